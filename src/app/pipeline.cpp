#include "ftpsniff/pipeline.hpp"

#include "annotator.hpp"

#include "ftpsniff/capture.hpp"
#include "ftpsniff/decode.hpp"
#include "ftpsniff/ftp_detector.hpp"
#include "ftpsniff/ftp_session.hpp"
#include "ftpsniff/reassembly.hpp"

#include <fmt/format.h>

namespace ftpsniff {

RunResult run_capture_file(const std::string& path, const PipelineOptions& opts, const KnowledgeBase& kb,
                           std::FILE* out, std::FILE* notes) {
    PcapReader reader = PcapReader::open_file(path);
    if (!linktype_supported(reader.linktype())) {
        std::string name = reader.linktype_name();
        std::string number = std::to_string(reader.linktype());
        throw CaptureError(fmt::format("{}: unsupported link type {}{}", path == "-" ? "standard input" : path, name,
                                       name == number ? "" : " (" + number + ")"));
    }
    RunSummary run;
    run.source = path;
    run.linktype = reader.linktype_name();
    std::bitset<65536> ftp_ports;
    for (std::uint16_t p : opts.ports) ftp_ports.set(p);

    auto renderer = make_renderer(opts.format, out, notes, opts.render);
    if (opts.report != nullptr) renderer = make_tee(std::move(renderer), make_renderer(Format::markdown, opts.report, notes, opts.render));
    if (opts.filter.active()) renderer = make_filter(std::move(renderer), opts.filter);
    Annotator annotator(kb, *renderer, run, opts.show_passwords);
    MemoryBudget budget(opts.max_memory);
    FrameDecoder decoder(budget, run.anomalies, opts.defrag);
    auto make_session = [&](const FlowInfo& flow) {
        return std::make_unique<FtpSession>(flow, annotator, run.anomalies, budget, opts.ftp);
    };
    Reassembler reassembler(
        [&](const FlowInfo& flow) -> std::unique_ptr<StreamHandler> {
            if (ftp_ports.test(flow.server.port)) return make_session(flow);
            return std::make_unique<FtpDetector>([&make_session, flow] { return make_session(flow); });
        },
        run.anomalies, budget, opts.reassembly);

    RawFrame frame;
    Timestamp last{};
    while (reader.next(frame)) {
        ++run.packets;
        last = frame.ts;
        Decoded d = decoder.decode(frame);
        if (d.status != DecodeStatus::tcp) continue;
        ++run.tcp_packets;
        const TcpSegment& seg = d.segment;
        // The cheap port test comes before any flow lookup: most packets of
        // a busy capture are not FTP control traffic.
        bool to_server = ftp_ports.test(seg.dst.port);
        if (to_server || ftp_ports.test(seg.src.port)) {
            ++run.ftp_packets;
        } else if (!annotator.data_flows().empty() && annotator.data_flows().feed(seg)) {
            ++run.data_packets;
            continue;
        } else if (opts.detect) {
            to_server = reassembler.toward_server(seg);
        } else {
            continue;
        }
        if (seg.missing > 0) run.anomalies.add(Anomaly::snaplen_cut_payload);
        reassembler.feed(seg, to_server);
    }
    reassembler.finish(last);
    annotator.data_flows().finish(last);
    run.cut = reader.cut();
    renderer->summary(run);
    return run.cut ? RunResult::capture_cut : RunResult::ok;
}

}  // namespace ftpsniff
