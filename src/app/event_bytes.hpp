// Events as bytes, for handing them to another thread. A writer reserves
// room for an event's longest form once, then appends its fixed parts
// (trivially copyable structs) and texts (length, then bytes) through a
// cursor, without a check per field; the buffer keeps its memory from
// batch to batch. The reader takes them back in the same order, texts as
// views into the buffer.
#pragma once

#include "ftpsniff/copy_bytes.hpp"

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
    // Room a text takes besides its bytes.
    static constexpr std::size_t kTextCost = sizeof(std::uint32_t) + 1;

    class Writer {
    public:
        template <class T>
        void put(const T& value) {
            static_assert(std::is_trivially_copyable_v<T>);
            std::memcpy(at_, &value, sizeof(T));
            at_ += sizeof(T);
        }
        void put_text(std::string_view text) {
            put(static_cast<std::uint32_t>(text.size()));
            at_ = copy_bytes(at_, text.data(), text.size());
        }
        void put_optional_text(const std::optional<std::string_view>& text) {
            put(text.has_value());
            if (text) put_text(*text);
        }
        template <class T>
        void put_optional(const std::optional<T>& value) {
            put(value.has_value());
            if (value) put(*value);
        }

    private:
        friend class EventBytes;
        explicit Writer(std::uint8_t* at) : at_(at) {}
        std::uint8_t* at_;
    };

    [[nodiscard]] std::size_t size() const { return used_; }
    void clear() { used_ = 0; }

    // A cursor over room for `most` bytes; end() keeps what it wrote.
    Writer begin(std::size_t most) {
        if (capacity_ - used_ < most) grow(most);
        return Writer(data_.get() + used_);
    }
    void end(const Writer& w) { used_ = static_cast<std::size_t>(w.at_ - data_.get()); }

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
        template <class T>
        std::optional<T> optional() {
            if (!get<bool>()) return std::nullopt;
            return get<T>();
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
