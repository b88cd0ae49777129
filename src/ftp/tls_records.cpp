#include "ftpsniff/tls_records.hpp"

#include <algorithm>

namespace ftpsniff {

void TlsRecords::feed(std::span<const std::uint8_t> bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && !lost_) {
        if (body_left_ > 0) {
            const auto skip = static_cast<std::uint32_t>(std::min<std::size_t>(body_left_, bytes.size() - i));
            body_left_ -= skip;
            i += skip;
            continue;
        }
        header_[have_++] = bytes[i++];
        if (have_ < header_.size()) continue;
        have_ = 0;
        const std::uint8_t type = header_[0];
        // change_cipher_spec (20) to heartbeat (24); anything else is no record.
        if (type < 20 || type > 24 || header_[1] != 3) {
            lost_ = true;
            return;
        }
        ++records_;
        // After its change_cipher_spec (TLS 1.2) or once application data
        // flows (TLS 1.3 sends even alerts as type 23), a side's records are
        // encrypted: an alert then is no refusal in the clear.
        if (type == 20 || type == 23) encrypted_ = true;
        if (type == 21 && !encrypted_) ++alerts_;
        body_left_ = static_cast<std::uint32_t>(header_[3]) << 8 | header_[4];
    }
}

}  // namespace ftpsniff
