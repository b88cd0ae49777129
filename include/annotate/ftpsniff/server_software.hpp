// Which server software a session talks to, from the texts its replies
// carry (data/servers.tsv): the greeting, the reply to SYST, or a phrase
// only one product uses. A banner can be changed by its administrator, so
// an identity always says what it was read from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

// Where a reply line was seen, strongest evidence first.
enum class SoftwareClue : std::uint8_t { greeting, syst, reply };

// The longest version kept: a greeting can say anything after the name.
inline constexpr std::size_t kVersionMost = 32;

struct ServerSoftware {
    std::string product;  // "vsftpd", "ProFTPD", ...
    std::string version;  // "" when the text names none
    SoftwareClue clue = SoftwareClue::reply;
};

class ServerSignatures {
public:
    // Throws KnowledgeError naming `origin` and the line.
    static ServerSignatures parse(std::string_view tsv, std::string_view origin);
    static const ServerSignatures& builtin();

    // The product whose text `line` holds, among the rows for `where`.
    [[nodiscard]] std::optional<ServerSoftware> match(std::string_view line, SoftwareClue where) const;

private:
    struct Row {
        std::string product;
        SoftwareClue where = SoftwareClue::reply;
        std::string text;
        bool version_after = false;
    };
    std::vector<Row> rows_;
};

// The settings a remedy names, by product (data/server_settings.tsv).
class ServerSettings {
public:
    // Throws KnowledgeError naming `origin` and the line.
    static ServerSettings parse(std::string_view tsv, std::string_view origin);
    static const ServerSettings& builtin();

    // `product`'s settings for `topic` when the table has them; for a known
    // product without them, "<product>'s own setting for it"; for an unknown
    // one (null), every product's, joined ("vsftpd ..., ProFTPD ...").
    // "" for no such topic.
    [[nodiscard]] std::string for_product(std::string_view topic, const std::string* product) const;

private:
    struct Row {
        std::string product, topic, settings;
    };
    std::vector<Row> rows_;
};

std::string_view clue_name(SoftwareClue c);  // "greeting", "syst", "reply"

}  // namespace ftpsniff
