#include "ftpsniff/capture.hpp"

#include "pcap_records.hpp"
#include "read_ahead.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <cstdio>

namespace ftpsniff {

struct PcapReader::Impl {
    pcap_t* handle = nullptr;
    std::unique_ptr<ReadAhead> ahead;  // for a file; a pipe or an interface is read as packets come
    std::optional<std::string> cut;
    std::string source;
    bool live = false;
    int selectable = -1;  // a live capture's descriptor to wait on

    ~Impl() {
        ahead.reset();  // stops its thread before the handle closes
        if (handle != nullptr) pcap_close(handle);
    }
};

PcapReader::PcapReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

namespace {

// "path: why": libpcap names the path itself in some errors (those of
// fopen), not in others.
std::string error_at(const std::string& path, std::string_view why) {
    const std::string prefix = path + ": ";
    return why.starts_with(prefix) ? std::string(why) : prefix + std::string(why);
}

}  // namespace

PcapReader PcapReader::open_file(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    auto impl = std::make_unique<Impl>();
    // Nanosecond precision keeps pcapng/nanosecond timestamps exact; libpcap
    // scales microsecond files up.
    impl->handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (impl->handle == nullptr) {
        throw CaptureError(error_at(path == "-" ? std::string("standard input") : path, err));
    }
    impl->source = path;
    if (path != "-") impl->ahead = std::make_unique<ReadAhead>(impl->handle);
    return PcapReader(std::move(impl));
}

std::vector<std::string> PcapReader::list_devices() {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_if_t* all = nullptr;
    std::vector<std::string> out;
    if (pcap_findalldevs(&all, err) != 0) return out;
    for (pcap_if_t* d = all; d != nullptr; d = d->next) {
        out.push_back(d->description != nullptr ? std::string(d->name) + " (" + d->description + ")" : d->name);
    }
    pcap_freealldevs(all);
    return out;
}

namespace {

// The first interface that is up and not loopback, as tcpdump picks it.
std::string default_device() {
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_if_t* all = nullptr;
    if (pcap_findalldevs(&all, err) != 0 || all == nullptr) throw CaptureError(std::string("no interfaces: ") + err);
    std::string chosen;
    for (pcap_if_t* d = all; d != nullptr && chosen.empty(); d = d->next) {
        if ((d->flags & PCAP_IF_LOOPBACK) == 0 && (d->flags & PCAP_IF_UP) != 0) chosen = d->name;
    }
    if (chosen.empty()) chosen = all->name;
    pcap_freealldevs(all);
    return chosen;
}

std::string device_list() {
    std::string out;
    for (const std::string& d : PcapReader::list_devices()) out += (out.empty() ? "" : ", ") + d.substr(0, d.find(' '));
    return out;
}

}  // namespace

PcapReader PcapReader::open_live(const LiveOptions& opts) {
    char err[PCAP_ERRBUF_SIZE] = {};
    auto impl = std::make_unique<Impl>();
    impl->live = true;
    impl->source = opts.device.empty() ? default_device() : opts.device;
    const std::string& dev = impl->source;
    impl->handle = pcap_create(dev.c_str(), err);
    if (impl->handle == nullptr) throw CaptureError(dev + ": " + err);
    pcap_set_snaplen(impl->handle, opts.snaplen);
    pcap_set_promisc(impl->handle, opts.promiscuous ? 1 : 0);
    pcap_set_immediate_mode(impl->handle, 1);
    pcap_set_timeout(impl->handle, 100);  // lets read() come back to check for a stop
    pcap_set_tstamp_precision(impl->handle, PCAP_TSTAMP_PRECISION_NANO);
    if (opts.buffer_kib > 0) pcap_set_buffer_size(impl->handle, opts.buffer_kib * 1024);
    int rc = pcap_activate(impl->handle);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
        throw CaptureError("no such interface '" + dev + "'; the interfaces are: " + device_list());
    }
    if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
        throw CaptureError(dev + ": no permission to capture (" + pcap_geterr(impl->handle) +
                           "): run ftpsniff as root, or give it the capabilities once with "
                           "'setcap cap_net_raw,cap_net_admin=eip "
                           "$(command -v ftpsniff)'");
    }
    if (rc < 0) throw CaptureError(dev + ": " + pcap_geterr(impl->handle));
    bpf_program program{};
    if (pcap_compile(impl->handle, &program, opts.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        throw CaptureError("bad filter '" + opts.filter + "': " + pcap_geterr(impl->handle));
    }
    int set = pcap_setfilter(impl->handle, &program);
    pcap_freecode(&program);
    if (set != 0) throw CaptureError(dev + ": cannot set the filter: " + pcap_geterr(impl->handle));
    // In immediate mode the timeout is not used: a read would wait for the
    // next packet, and --duration or a signal with it. Reads poll instead.
    if (pcap_setnonblock(impl->handle, 1, err) != 0) throw CaptureError(dev + ": " + err);
    impl->selectable = pcap_get_selectable_fd(impl->handle);
    return PcapReader(std::move(impl));
}

ReadResult PcapReader::read(RawFrame& out) {
    if (impl_->ahead) {
        if (impl_->ahead->next(out)) return ReadResult::frame;
        impl_->cut = impl_->ahead->cut();
        return ReadResult::end;
    }
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(impl_->handle, &hdr, &data);
    if (rc == 1) {
        out.ts = carry_seconds(hdr->ts.tv_sec, hdr->ts.tv_usec);
        out.linktype = pcap_datalink(impl_->handle);
        out.caplen = hdr->caplen;
        out.wirelen = hdr->len;
        out.bytes = std::span<const std::uint8_t>(data, hdr->caplen);
        return ReadResult::frame;
    }
    if (rc == 0) {
        // Nothing yet: wait a tenth of a second at most, so the caller
        // checks for a stop (--duration, a signal) on a quiet interface.
        if (impl_->selectable >= 0) {
            pollfd wait{impl_->selectable, POLLIN, 0};
            (void)::poll(&wait, 1, 100);
        }
        return ReadResult::idle;
    }
    if (rc == PCAP_ERROR) impl_->cut = pcap_geterr(impl_->handle);
    return ReadResult::end;
}

std::optional<CaptureStats> PcapReader::stats() const {
    pcap_stat st{};
    if (!impl_->live || pcap_stats(impl_->handle, &st) != 0) return std::nullopt;
    return CaptureStats{st.ps_recv, st.ps_drop, st.ps_ifdrop};
}

const std::string& PcapReader::source() const { return impl_->source; }

void PcapReader::interrupt() { pcap_breakloop(impl_->handle); }

int PcapReader::linktype() const { return pcap_datalink(impl_->handle); }
std::string PcapReader::linktype_name() const { return ftpsniff::linktype_name(linktype()); }
const std::optional<std::string>& PcapReader::cut() const { return impl_->cut; }

struct PcapDumper::Impl {
    pcap_t* dead = nullptr;
    pcap_dumper_t* dumper = nullptr;

    ~Impl() {
        if (dumper != nullptr) pcap_dump_close(dumper);
        if (dead != nullptr) pcap_close(dead);
    }
};

PcapDumper::PcapDumper(const std::string& path, int linktype, std::uint32_t snaplen) : impl_(std::make_unique<Impl>()) {
    impl_->dead = pcap_open_dead_with_tstamp_precision(linktype, static_cast<int>(snaplen), PCAP_TSTAMP_PRECISION_NANO);
    if (impl_->dead == nullptr) throw CaptureError(path + ": cannot prepare a capture file");
    impl_->dumper = pcap_dump_open(impl_->dead, path.c_str());
    if (impl_->dumper == nullptr) throw CaptureError(error_at(path, pcap_geterr(impl_->dead)));
}

PcapDumper::~PcapDumper() = default;

void PcapDumper::write(Timestamp ts, std::span<const std::uint8_t> bytes, std::uint32_t wirelen) {
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = ts.sec;
    hdr.ts.tv_usec = static_cast<suseconds_t>(ts.nsec);  // nanoseconds, as the file says
    hdr.caplen = static_cast<bpf_u_int32>(bytes.size());
    hdr.len = wirelen;
    pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &hdr, bytes.data());
}

std::string linktype_name(int linktype) {
    const char* name = pcap_datalink_val_to_name(linktype);
    return name != nullptr ? std::string(name) : std::to_string(linktype);
}

}  // namespace ftpsniff
