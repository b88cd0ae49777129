#include "ftpsniff/capture.hpp"

#include "pcap_records.hpp"
#include "read_ahead.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>

namespace ftpsniff {

namespace {

// "path: why": libpcap names the path itself in some errors (those of
// fopen), not in others.
std::string error_at(const std::string& path, std::string_view why) {
    const std::string prefix = path + ": ";
    return why.starts_with(prefix) ? std::string(why) : prefix + std::string(why);
}

// Each read-ahead holds 4 MiB and a thread of its own.
constexpr std::size_t kMostReadAhead = 4;

// One file of the capture, read ahead on a thread of its own unless it is a pipe.
struct Input {
    pcap_t* handle = nullptr;
    std::unique_ptr<ReadAhead> ahead;
    std::string path;
    std::optional<std::string> cut;  // why reading stopped early

    Input() = default;
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    ~Input() {
        ahead.reset();  // stops its thread before the handle closes
        if (handle != nullptr) pcap_close(handle);
    }

    // The next frame of the file; false at its end, or where it is cut.
    bool next(RawFrame& out) {
        if (ahead) {
            if (ahead->next(out)) return true;
            cut = ahead->cut();
            return false;
        }
        pcap_pkthdr* hdr = nullptr;
        const u_char* data = nullptr;
        int rc = pcap_next_ex(handle, &hdr, &data);
        if (rc == 1) {
            fill(out, *hdr, data);
            return true;
        }
        if (rc == PCAP_ERROR) cut = pcap_geterr(handle);
        return false;
    }

    void fill(RawFrame& out, const pcap_pkthdr& hdr, const u_char* data) const {
        out.ts = carry_seconds(hdr.ts.tv_sec, hdr.ts.tv_usec);
        out.linktype = pcap_datalink(handle);
        out.caplen = hdr.caplen;
        out.wirelen = hdr.len;
        out.bytes = std::span<const std::uint8_t>(data, hdr.caplen);
    }
};

// Several files read as one capture: the earliest frame of any comes next,
// and on a tie the frame of the file given last, as mergecap orders them. A file's frame
// stays valid until that file is read again, which is only after the frame
// has been handed out.
class Merge {
public:
    explicit Merge(std::vector<std::unique_ptr<Input>>& inputs) : inputs_(inputs), heads_(inputs.size()) {}

    bool next(RawFrame& out) {
        if (!started_) {
            for (std::size_t i = 0; i < inputs_.size(); ++i) advance(i);
            started_ = true;
        } else if (taken_ < heads_.size()) {
            advance(taken_);
        }
        taken_ = heads_.size();
        for (std::size_t i = 0; i < heads_.size(); ++i) {
            if (heads_[i] && (taken_ == heads_.size() || heads_[i]->ts <= heads_[taken_]->ts)) taken_ = i;
        }
        if (taken_ == heads_.size()) return false;
        out = *heads_[taken_];
        return true;
    }

private:
    void advance(std::size_t i) {
        RawFrame frame;
        if (inputs_[i]->next(frame)) {
            heads_[i] = frame;
        } else {
            heads_[i].reset();
        }
    }

    std::vector<std::unique_ptr<Input>>& inputs_;
    std::vector<std::optional<RawFrame>> heads_;
    std::size_t taken_ = 0;  // the input whose head was handed out last
    bool started_ = false;
};

}  // namespace

struct PcapReader::Impl {
    std::vector<std::unique_ptr<Input>> inputs;  // a live capture's interface is the one input
    std::optional<Merge> merge;                  // for several files
    ReadAhead* only = nullptr;                   // one file read ahead, unfiltered: most reads take this path
    std::optional<bpf_program> filter;           // for files: applied here, so every frame keeps its number
    std::string filter_text;
    std::uint64_t filtered_out = 0;
    std::optional<std::string> cut;
    std::vector<std::string> unread;  // files of several cut inside their header, and why
    std::string source;
    bool live = false;
    int selectable = -1;  // a live capture's descriptor to wait on

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (filter) pcap_freecode(&*filter);
    }

    bool next_file_frame(RawFrame& out) {
        if (merge) return merge->next(out);
        return inputs.front()->next(out);
    }
    [[nodiscard]] bool matches(const RawFrame& frame) const {
        pcap_pkthdr hdr{};
        hdr.caplen = frame.caplen;
        hdr.len = frame.wirelen;
        return pcap_offline_filter(&*filter, &hdr, frame.bytes.data()) != 0;
    }
    // Once the files are read: where each was cut, named when there are several.
    void note_cuts() {
        if (cut) return;
        std::vector<std::string> where = unread;
        for (const auto& in : inputs) {
            if (in->cut)
                where.push_back(inputs.size() == 1 && unread.empty() ? *in->cut : error_at(in->path, *in->cut));
        }
        if (!where.empty()) cut = fmt::format("{}", fmt::join(where, "; "));
    }
};

PcapReader::PcapReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

PcapReader PcapReader::open_file(const std::string& path) { return open_files({path}, ""); }

PcapReader PcapReader::open_files(const std::vector<std::string>& paths, const std::string& filter) {
    auto impl = std::make_unique<Impl>();
    for (const std::string& path : paths) {
        char err[PCAP_ERRBUF_SIZE] = {};
        auto in = std::make_unique<Input>();
        in->path = path;
        // Nanosecond precision keeps pcapng/nanosecond timestamps exact;
        // libpcap scales microsecond files up.
        in->handle = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
        // A ring's newest file may not have its header yet: with others to
        // read, it is a file cut short, not a capture that cannot be read.
        if (in->handle == nullptr && paths.size() > 1 &&
            std::string_view(err).find("truncated") != std::string_view::npos) {
            impl->unread.push_back(error_at(path, err));
            continue;
        }
        if (in->handle == nullptr)
            throw CaptureError(error_at(path == "-" ? std::string("standard input") : path, err));
        const Input& first = impl->inputs.empty() ? *in : *impl->inputs.front();
        if (pcap_datalink(in->handle) != pcap_datalink(first.handle)) {
            throw CaptureError(
                fmt::format("{} is {} and {} is {}: files of one link type only can be read as one "
                            "capture",
                            first.path, ftpsniff::linktype_name(pcap_datalink(first.handle)), path,
                            ftpsniff::linktype_name(pcap_datalink(in->handle))));
        }
        impl->inputs.push_back(std::move(in));
    }
    if (impl->inputs.empty()) throw CaptureError(fmt::format("{}", fmt::join(impl->unread, "; ")));
    // A long ring's files are read by libpcap alone, with one record's buffer each.
    if (impl->inputs.size() <= kMostReadAhead) {
        for (auto& in : impl->inputs) {
            if (in->path != "-") in->ahead = std::make_unique<ReadAhead>(in->handle);
        }
    }
    if (impl->inputs.size() > 1) impl->merge.emplace(impl->inputs);
    if (!filter.empty()) {
        pcap_t* handle = impl->inputs.front()->handle;
        bpf_program program{};
        if (pcap_compile(handle, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            throw CaptureError("bad filter '" + filter + "': " + pcap_geterr(handle));
        }
        impl->filter = program;
        impl->filter_text = filter;
    }
    if (impl->inputs.size() == 1 && !impl->filter) impl->only = impl->inputs.front()->ahead.get();
    impl->source = fmt::format("{}", fmt::join(paths, ", "));
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
    impl->inputs.push_back(std::make_unique<Input>());
    pcap_t*& handle = impl->inputs.front()->handle;
    impl->source = opts.device.empty() ? default_device() : opts.device;
    const std::string& dev = impl->source;
    handle = pcap_create(dev.c_str(), err);
    if (handle == nullptr) throw CaptureError(dev + ": " + err);
    pcap_set_snaplen(handle, opts.snaplen);
    pcap_set_promisc(handle, opts.promiscuous ? 1 : 0);
    pcap_set_immediate_mode(handle, 1);
    pcap_set_timeout(handle, 100);  // lets read() come back to check for a stop
    pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO);
    if (opts.buffer_kib > 0) pcap_set_buffer_size(handle, opts.buffer_kib * 1024);
    int rc = pcap_activate(handle);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
        throw CaptureError("no such interface '" + dev + "'; the interfaces are: " + device_list());
    }
    if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
        throw CaptureError(dev + ": no permission to capture (" + pcap_geterr(handle) +
                           "): run ftpsniff as root, or give it the capabilities once with "
                           "'setcap cap_net_raw,cap_net_admin=eip "
                           "$(command -v ftpsniff)'");
    }
    if (rc < 0) throw CaptureError(dev + ": " + pcap_geterr(handle));
    bpf_program program{};
    if (pcap_compile(handle, &program, opts.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        throw CaptureError("bad filter '" + opts.filter + "': " + pcap_geterr(handle));
    }
    int set = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (set != 0) throw CaptureError(dev + ": cannot set the filter: " + pcap_geterr(handle));
    // In immediate mode the timeout is not used: a read would wait for the
    // next packet, and --duration or a signal with it. Reads poll instead.
    if (pcap_setnonblock(handle, 1, err) != 0) throw CaptureError(dev + ": " + err);
    impl->selectable = pcap_get_selectable_fd(handle);
    return PcapReader(std::move(impl));
}

ReadResult PcapReader::read(RawFrame& out) {
    Impl& in = *impl_;
    if (in.only != nullptr) {
        if (in.only->next(out)) return ReadResult::frame;
        in.inputs.front()->cut = in.only->cut();
        in.note_cuts();
        return ReadResult::end;
    }
    if (in.live) return read_live(out);
    if (!in.filter) {
        if (in.next_file_frame(out)) return ReadResult::frame;
        in.note_cuts();
        return ReadResult::end;
    }
    std::uint64_t skipped = 0;
    while (in.next_file_frame(out)) {
        if (in.matches(out)) {
            out.skipped = skipped;
            return ReadResult::frame;
        }
        ++skipped;
        ++in.filtered_out;
    }
    in.note_cuts();
    return ReadResult::end;
}

ReadResult PcapReader::read_live(RawFrame& out) {
    Input& in = *impl_->inputs.front();
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(in.handle, &hdr, &data);
    if (rc == 1) {
        in.fill(out, *hdr, data);
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
    if (rc == PCAP_ERROR) impl_->cut = pcap_geterr(in.handle);
    return ReadResult::end;
}

std::optional<CaptureStats> PcapReader::stats() const {
    pcap_stat st{};
    if (!impl_->live || pcap_stats(impl_->inputs.front()->handle, &st) != 0) return std::nullopt;
    return CaptureStats{st.ps_recv, st.ps_drop, st.ps_ifdrop};
}

const std::string& PcapReader::source() const { return impl_->source; }
const std::string& PcapReader::filter() const { return impl_->filter_text; }
std::uint64_t PcapReader::filtered_out() const { return impl_->filtered_out; }

void PcapReader::interrupt() {
    for (const auto& in : impl_->inputs) pcap_breakloop(in->handle);
}

int PcapReader::linktype() const { return pcap_datalink(impl_->inputs.front()->handle); }
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
