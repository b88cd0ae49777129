// fuzz_knowledge: the parsers of the tables in data/ on arbitrary text:
// KnowledgeBase (data/reply_codes*.tsv, and a user's --codes file) and
// CommandReplies (data/command_replies.tsv), ServerSignatures
// (data/servers.tsv), ServerMessages (and their translations), the words
// of explain (Phrases, ReplyTraits, ClientErrors) and ServerSettings; each
// input goes to
// all of them. A
// malformed table must end in a KnowledgeError naming the line; anything
// else that escapes is a crash. What a parser accepts must hold up to
// lookups, and a knowledge base merged over another (as --codes does) wins.

#include "fuzz_common.hpp"
#include "tsv_keys.hpp"

#include "ftpsniff/annotate.hpp"
#include "ftpsniff/command_replies.hpp"
#include "ftpsniff/knowledge.hpp"
#include "ftpsniff/phrases.hpp"
#include "ftpsniff/server_messages.hpp"
#include "ftpsniff/server_software.hpp"

#include <algorithm>
#include <optional>

namespace {

using namespace ftpsniff;

void check_knowledge(std::string_view text) {
    std::optional<KnowledgeBase> kb;
    try {
        kb = KnowledgeBase::parse(text, "fuzz");
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
        return;
    }
    auto entries = kb->entries();
    FUZZ_CHECK(entries.size() == kb->size());
    for (const CodeEntry* e : entries) {
        FUZZ_CHECK(e->code >= 0 && e->code <= 999);
        // A variant whose code has no generic entry here has no name yet.
        FUZZ_CHECK((!e->name.empty() || !e->after.empty()) && !e->meaning.empty() && !e->when.empty() &&
                   !e->remedy.empty() && !e->source.empty());
        fuzz::touch(e->after);
        FUZZ_CHECK(kb->find(e->code, e->after) == e);
        std::optional<std::string_view> after;
        if (!e->after.empty()) after = e->after;
        Annotation a = annotate(*kb, e->code, after);
        FUZZ_CHECK(a.known && a.name == e->name);
        fuzz::touch(Phrases::builtin().reply_class(e->code));
        fuzz::touch(Phrases::builtin().reply_function(e->code));
        auto variants = kb->variants(e->code);
        FUZZ_CHECK(e->after.empty() != (std::find(variants.begin(), variants.end(), e) != variants.end()));
    }
    // A small base with a generic entry and a variant, parsed once: copying
    // the whole built-in base for every input would halve the speed.
    static const KnowledgeBase base = KnowledgeBase::parse(
        "code\tafter\tname\tmeaning\twhen\tremedy\tsource\n"
        "530\t\tn\tm\tw\tr\ts\n530\tPASS\t\tm\tw\tr\ts\n226\t\tn\tm\tw\tr\ts\n",
        "base");
    KnowledgeBase merged = base;
    merged.merge(*kb);
    for (const CodeEntry* e : entries) {
        const CodeEntry* found = merged.find(e->code, e->after);
        FUZZ_CHECK(found && found->after == e->after && found->meaning == e->meaning);
    }
}

void check_command_replies(std::string_view text) {
    std::optional<CommandReplies> table;
    try {
        table = CommandReplies::parse(text, "fuzz");
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
        return;
    }
    for (std::string_view verb : test::tsv_keys(text)) {
        if (verb == "*") continue;  // merged into every verb's row
        const std::vector<int>* codes = table->replies_of(verb);
        FUZZ_CHECK(codes && !codes->empty() && std::is_sorted(codes->begin(), codes->end()));
        for (int code : *codes) FUZZ_CHECK(code >= 100 && code <= 999 && table->allows(*codes, code));
    }
}

// Whatever a table of server signatures holds, matching any line is safe.
void check_server_signatures(std::string_view text) {
    std::optional<ServerSignatures> table;
    try {
        table = ServerSignatures::parse(text, "fuzz");
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
        return;
    }
    for (auto clue : {SoftwareClue::greeting, SoftwareClue::syst, SoftwareClue::reply}) {
        if (auto found = table->match(text, clue)) FUZZ_CHECK(!found->product.empty() && found->clue == clue);
    }
}

// The smaller tables of data/ (server messages, server settings): a
// malformed one names the line; a parsed one answers any lookup.
void check_small_tables(std::string_view text) {
    try {
        ServerMessages table = ServerMessages::parse(text, "fuzz");
        for (const ServerMessage& m : table.entries()) {
            auto found = table.match(m.code, "USER", text);
            if (found) FUZZ_CHECK(found->message->code == m.code && !found->message->meaning.empty());
        }
        for (const ServerMessage* m : table.find(text)) FUZZ_CHECK(m->code >= 0 && m->code <= ServerMessage::kAnyCode);
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
    try {
        ServerMessages table = ServerMessages::builtin();
        table.translate(text, "fuzz");
        for (const ServerMessage& m : table.entries()) FUZZ_CHECK(!m.meaning.empty() && !m.remedy.empty());
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
    try {
        Phrases table = Phrases::parse(text, "fuzz");
        for (const auto& [key, words] : table.entries()) FUZZ_CHECK(table.get(key) == words);
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
    try {
        ReplyTraits table = ReplyTraits::parse(text, "fuzz");
        for (int code = 100; code < 700; code += 7) fuzz::touch(table.next(code));
        table.translate(text, "fuzz");
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
    try {
        ClientErrors table = ClientErrors::parse(text, "fuzz");
        for (const auto& [code, error] : table.entries()) FUZZ_CHECK(table.find(code) == &error);
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
    try {
        ServerSettings table = ServerSettings::parse(text, "fuzz");
        const std::string product = "vsftpd";
        fuzz::touch(table.for_product("passive_ports", &product));
        fuzz::touch(table.for_product(text, nullptr));
    } catch (const KnowledgeError& e) {
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz:"));
    }
}

}  // namespace

extern "C" int FTPSNIFF_FUZZ_ENTRY(const std::uint8_t* data, std::size_t size) {
    check_knowledge(fuzz::as_text({data, size}));
    check_command_replies(fuzz::as_text({data, size}));
    check_server_signatures(fuzz::as_text({data, size}));
    check_small_tables(fuzz::as_text({data, size}));
    return 0;
}
