// Output gathered in memory and written through a cursor: a writer asks for
// room for the longest form of a field, then writes it without a check per
// byte (std::string's append costs a call and a check for every character).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace ftpsniff {

class OutBuffer {
public:
    // Where `n` more bytes may be written; move_to() then marks how many were.
    char* room(std::size_t n) {
        if (capacity_ - size_ < n) grow(n);
        return bytes_.get() + size_;
    }
    void move_to(const char* end) { size_ = static_cast<std::size_t>(end - bytes_.get()); }

    void append(std::string_view s) {
        std::memcpy(room(s.size()), s.data(), s.size());
        size_ += s.size();
    }
    void push_back(char c) {
        *room(1) = c;
        ++size_;
    }
    OutBuffer& operator+=(std::string_view s) {
        append(s);
        return *this;
    }
    OutBuffer& operator+=(char c) {
        push_back(c);
        return *this;
    }

    [[nodiscard]] const char* data() const { return bytes_.get(); }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] std::string_view view() const { return {bytes_.get(), size_}; }
    void clear() { size_ = 0; }
    void reserve(std::size_t n) {
        if (n > capacity_) grow(n - size_);
    }

private:
    void grow(std::size_t n) {
        std::size_t capacity = std::max(size_ + n, capacity_ * 2);
        auto bytes = std::make_unique_for_overwrite<char[]>(capacity);
        if (size_ > 0) std::memcpy(bytes.get(), bytes_.get(), size_);
        bytes_ = std::move(bytes);
        capacity_ = capacity;
    }

    std::unique_ptr<char[]> bytes_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace ftpsniff
