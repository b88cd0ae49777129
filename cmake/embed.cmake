# Writes a C++ source that returns the bytes of each file in INPUTS (a list
# of paths under DIR) from builtin_file("name"), "" for a name not embedded.
# Usage: cmake -DDIR=dir -DINPUTS="a.tsv;b.tsv" -DOUTPUT=file.cpp -DHEADER=name.hpp -P embed.cmake
set(arrays "")
set(lookups "")
set(i 0)
foreach(name IN LISTS INPUTS)
  file(READ "${DIR}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){24})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "// ${name}\nconstexpr char k${i}[] = {\n    ${bytes}'\\0'};\n")
  string(APPEND lookups "    if (name == \"${name}\") return std::string_view(k${i}, ${size});\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUTPUT}.new" "// Generated from the files of ${DIR}; edit those instead.
#include \"${HEADER}\"

namespace ftpsniff {

namespace {
${arrays}}  // namespace

std::string_view builtin_file(std::string_view name) {
${lookups}    return {};
}

}  // namespace ftpsniff
")
file(RENAME "${OUTPUT}.new" "${OUTPUT}")
