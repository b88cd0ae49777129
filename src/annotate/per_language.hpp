// The built-in tables in every language: English from data/<base>.tsv, and
// each other language as English with data/<base>.<lang>.tsv over it.
#pragma once

#include "builtin_data.hpp"
#include "ftpsniff/labels.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace ftpsniff {

// parse(text, origin) makes English; translate(table, text, origin, lang)
// puts a translation over a copy of it. Indexed by Lang.
template <class Table, class Parse, class Translate>
std::vector<Table> per_language(std::string_view base, Parse parse, Translate translate) {
    std::vector<Table> out;
    for (const Language& l : languages()) {
        if (l.lang == Lang::en) {
            out.push_back(parse(builtin_file(fmt::format("{}.tsv", base)), fmt::format("data/{}.tsv", base)));
            continue;
        }
        const std::string name = fmt::format("{}.{}.tsv", base, l.code);
        out.push_back(out.front());
        translate(out.back(), builtin_file(name), "data/" + name, l.lang);
    }
    return out;
}

}  // namespace ftpsniff
