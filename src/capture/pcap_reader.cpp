#include "ftpsniff/capture.hpp"

#include <pcap/pcap.h>

#include <cstdio>

namespace ftpsniff {

struct PcapReader::Impl {
    pcap_t* handle = nullptr;
    std::uint64_t frames = 0;
    std::optional<std::string> cut;

    ~Impl() {
        if (handle != nullptr) pcap_close(handle);
    }
};

PcapReader::PcapReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

PcapReader PcapReader::open_file(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    auto impl = std::make_unique<Impl>();
    // Nanosecond precision keeps pcapng/nanosecond timestamps exact; libpcap
    // scales microsecond files up.
    impl->handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (impl->handle == nullptr) {
        std::string shown = path == "-" ? std::string("standard input") : path;
        throw CaptureError(shown + ": " + err);
    }
    return PcapReader(std::move(impl));
}

bool PcapReader::next(RawFrame& out) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(impl_->handle, &hdr, &data);
    if (rc == 1) {
        ++impl_->frames;
        out.ts = Timestamp{hdr->ts.tv_sec, static_cast<std::uint32_t>(hdr->ts.tv_usec)};
        out.linktype = pcap_datalink(impl_->handle);
        out.caplen = hdr->caplen;
        out.wirelen = hdr->len;
        out.bytes = std::span<const std::uint8_t>(data, hdr->caplen);
        return true;
    }
    if (rc == PCAP_ERROR) impl_->cut = pcap_geterr(impl_->handle);
    return false;
}

int PcapReader::linktype() const { return pcap_datalink(impl_->handle); }
std::string PcapReader::linktype_name() const { return ftpsniff::linktype_name(linktype()); }
std::uint64_t PcapReader::frames_read() const { return impl_->frames; }
const std::optional<std::string>& PcapReader::cut() const { return impl_->cut; }

struct PcapDumper::Impl {
    pcap_t* dead = nullptr;
    pcap_dumper_t* dumper = nullptr;

    ~Impl() {
        if (dumper != nullptr) pcap_dump_close(dumper);
        if (dead != nullptr) pcap_close(dead);
    }
};

PcapDumper::PcapDumper(const std::string& path, int linktype, std::uint32_t snaplen)
    : impl_(std::make_unique<Impl>()) {
    impl_->dead = pcap_open_dead_with_tstamp_precision(linktype, static_cast<int>(snaplen), PCAP_TSTAMP_PRECISION_NANO);
    if (impl_->dead == nullptr) throw CaptureError(path + ": cannot prepare a capture file");
    impl_->dumper = pcap_dump_open(impl_->dead, path.c_str());
    if (impl_->dumper == nullptr) throw CaptureError(path + ": " + pcap_geterr(impl_->dead));
}

PcapDumper::~PcapDumper() = default;

void PcapDumper::write(const RawFrame& frame, std::span<const std::uint8_t> bytes) {
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = frame.ts.sec;
    hdr.ts.tv_usec = static_cast<suseconds_t>(frame.ts.nsec);  // nanoseconds, as the file says
    hdr.caplen = static_cast<bpf_u_int32>(bytes.size());
    hdr.len = frame.wirelen;
    pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &hdr, bytes.data());
}

std::string linktype_name(int linktype) {
    const char* name = pcap_datalink_val_to_name(linktype);
    return name != nullptr ? std::string(name) : std::to_string(linktype);
}

}  // namespace ftpsniff
