// Events as bytes, for handing them to another thread: the writer appends
// fixed parts (trivially copyable structs) and texts (length, then bytes)
// to a buffer that keeps its memory from batch to batch; the reader takes
// them back in the same order, texts as views into the buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

namespace ftpsniff {

class EventBytes {
public:
    [[nodiscard]] std::size_t size() const { return used_; }
    void clear() { used_ = 0; }

    template <class T>
    void put(const T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        std::memcpy(room(sizeof(T)), &value, sizeof(T));
    }
    void put_text(std::string_view text) {
        put(static_cast<std::uint32_t>(text.size()));
        if (!text.empty()) std::memcpy(room(text.size()), text.data(), text.size());
    }
    void put_optional_text(const std::optional<std::string_view>& text) {
        put(text.has_value());
        if (text) put_text(*text);
    }

    class Reader {
    public:
        explicit Reader(const EventBytes& bytes) : at_(bytes.data_.get()), end_(at_ + bytes.used_) {}
        [[nodiscard]] bool done() const { return at_ == end_; }
        template <class T>
        T get() {
            T value;
            std::memcpy(&value, at_, sizeof(T));
            at_ += sizeof(T);
            return value;
        }
        std::string_view text() {
            auto n = get<std::uint32_t>();
            std::string_view s(reinterpret_cast<const char*>(at_), n);
            at_ += n;
            return s;
        }
        std::optional<std::string_view> optional_text() {
            if (!get<bool>()) return std::nullopt;
            return text();
        }

    private:
        const std::uint8_t* at_;
        const std::uint8_t* end_;
    };

private:
    std::uint8_t* room(std::size_t n) {
        if (capacity_ - used_ < n) grow(n);
        std::uint8_t* at = data_.get() + used_;
        used_ += n;
        return at;
    }
    void grow(std::size_t n) {
        std::size_t capacity = std::max(capacity_ * 2, used_ + n);
        auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
        if (used_ > 0) std::memcpy(bigger.get(), data_.get(), used_);
        data_ = std::move(bigger);
        capacity_ = capacity;
    }

    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t used_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace ftpsniff
