#!/usr/bin/env bash
# The command line on bad and unusual input: every error is one line on
# stderr with its documented exit status. Usage: bad_input.sh FTPSNIFF CAPTURES_DIR
set -uo pipefail
bin=$1 captures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect NAME STATUS STDERR_PATTERN -- ARGS...: exit status and a one-line
# error that matches the pattern.
expect() {
    local name=$1 status=$2 pattern=$3
    shift 4
    "$bin" "$@" >"$work/out" 2>"$work/err" </dev/null
    local got=$?
    [ "$got" -eq "$status" ] || fail "$name: exit status $got, expected $status"
    grep -Eq -- "$pattern" "$work/err" || fail "$name: stderr does not match '$pattern': $(cat "$work/err")"
}

expect "--with-data with --anonymize" 2 "cannot be anonymized" -- -r "$captures/vsftpd-python-demo.pcap" --anonymize -w "$work/x.pcap" --with-data
expect "missing file" 1 '^ftpsniff: .*no-such\.pcap: .*No such file' -- -r "$work/no-such.pcap"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "missing file: error is not one line"
[ "$(grep -o 'no-such\.pcap' "$work/err" | wc -l)" -eq 1 ] || fail "missing file: the path is named more than once"
expect "unwritable -w" 1 "^ftpsniff: $work/no-dir/x\.pcap: No such file" -- -r "$captures/vsftpd-python-demo.pcap" -w "$work/no-dir/x.pcap"
[ "$(grep -o 'x\.pcap' "$work/err" | wc -l)" -eq 1 ] || fail "unwritable -w: the path is named more than once"
expect "--with-data without -w" 2 "give -w FILE too" -- -r "$captures/vsftpd-python-demo.pcap" --with-data
expect "a capture without -r" 2 "is a file, not a filter: read it with -r .*vsftpd-python-demo\.pcap$" -- "$captures/vsftpd-python-demo.pcap"
expect "a bad filter with -r" 1 "^ftpsniff: bad filter 'port twenty-one': " -- -r "$captures/vsftpd-python-demo.pcap" port twenty-one
# Under --anonymize a filter, which may name an address in many forms, is never shown.
expect "a bad filter under --anonymize" 1 "^ftpsniff: bad filter \(not shown under --anonymize\)$" -- -r "$captures/vsftpd-python-demo.pcap" --anonymize host ftp.example.com
"$bin" -r "$captures/vsftpd-python-demo.pcap" --anonymize --format json net 127 >"$work/anon.jsonl" 2>"$work/anon.err"
grep -q '"filter":"\*\*\*\*","filtered_out":0}' "$work/anon.jsonl" || fail "--anonymize: the filter is shown: $(tail -1 "$work/anon.jsonl")"
expect "stdin merged" 2 "standard input \(-r -\) cannot be merged" -- -r - -r "$captures/vsftpd-python-demo.pcap"
# The demo capture's header says raw IP instead of Ethernet (pcap link type at byte 20).
{ head -c 20 "$captures/vsftpd-python-demo.pcap"; printf '\x65\x00\x00\x00'; tail -c +25 "$captures/vsftpd-python-demo.pcap"; } >"$work/raw.pcap"
expect "two link types" 1 "^ftpsniff: .*demo\.pcap is EN10MB and .*raw\.pcap is RAW: files of one link type" -- -r "$captures/vsftpd-python-demo.pcap" -r "$work/raw.pcap"

printf 'this is not a capture file at all\n' >"$work/text.pcap"
expect "not a capture" 1 '^ftpsniff: .*text\.pcap: .*(format|magic)' -- -r "$work/text.pcap"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "not a capture: error is not one line"

# A pcap header with link type 147 (USER0), which ftpsniff cannot decode.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' >"$work/user0.pcap"
expect "unsupported link type" 1 '^ftpsniff: .*user0\.pcap: unsupported link type 147$' -- -r "$work/user0.pcap"

expect "-r and -i" 2 'give -r FILE or -i IFACE, not both' -- -r x.pcap -i lo
expect "bad port" 2 "--port: '0' is not a port number" -- -r "$captures/vsftpd-python-demo.pcap" --port 0
expect "bad port list" 2 "--port: 'x' is not a port number" -- -r "$captures/vsftpd-python-demo.pcap" --port 21,x
expect "bad format" 2 'format' -- -r "$captures/vsftpd-python-demo.pcap" --format xml

# Live capture: an unknown interface lists the real ones; a bad filter
# quotes libpcap's message.
expect "unknown interface" 1 "^ftpsniff: no such interface 'nosuch0'; the interfaces are: .*lo" -- -i nosuch0
expect "bad filter" 1 "^ftpsniff: bad filter 'tcp port': .*syntax error" -- -i lo tcp port
"$bin" -D >"$work/devices" 2>&1 || fail "-D failed"
grep -q '^lo' "$work/devices" || fail "-D does not list lo"

# A capture cut inside a packet record: everything before the cut is
# printed, then the cut is reported, with exit status 3.
demo="$captures/vsftpd-python-demo.pcap"
head -c 3000 "$demo" >"$work/cut.pcap"
"$bin" -r "$work/cut.pcap" --format json >"$work/out" 2>"$work/err"
status=$?
[ "$status" -eq 3 ] || fail "truncated capture: exit status $status, expected 3"
grep -q '"type":"reply".*"code":220' "$work/out" || fail "truncated capture: replies before the cut are missing"
grep -q '"type":"summary".*"cut":"' "$work/out" || fail "truncated capture: summary does not say where it was cut"
grep -q 'cut short after the last packet shown (truncated dump file' "$work/err" ||
    fail "truncated capture: stderr does not say it, with libpcap's reason: $(cat "$work/err")"

# Standard input and pcapng give the same replies as the pcap file.
"$bin" -r "$demo" --format json | grep -v '"type":"summary"' >"$work/file.jsonl"
"$bin" -r - --format json <"$demo" | grep -v '"type":"summary"' >"$work/stdin.jsonl"
cmp -s "$work/file.jsonl" "$work/stdin.jsonl" || fail "-r - differs from -r FILE"
"$bin" -r "${demo%.pcap}.pcapng" --format json | grep -v '"type":"summary"' >"$work/ng.jsonl"
cmp -s "$work/file.jsonl" "$work/ng.jsonl" || fail "pcapng differs from pcap"
[ "$(grep -c '"type":"reply"' "$work/file.jsonl")" -eq 16 ] || fail "demo capture: expected 16 replies"

# --port follows FTP elsewhere and stops seeing port 21.
"$bin" -r "$demo" --port 2121 --format json >"$work/other-port.jsonl"
grep -q '"type":"reply"' "$work/other-port.jsonl" && fail "--port 2121 still saw port 21"

# A --codes file adds to or replaces entries; its errors name the file and line.
printf 'code\tafter\tname\tmeaning\twhen\tremedy\tsource\n226\tRETR\t\tOur meaning.\tOur when.\tCall the help desk.\tsite policy\n' >"$work/site.tsv"
"$bin" -r "$demo" --codes "$work/site.tsv" >"$work/site.txt" 2>/dev/null
grep -q 'Call the help desk.' "$work/site.txt" || fail "--codes entry not used in the annotation"
# A site's server messages come before the built-in ones.
printf 'code\ttext\tafter\tproduct\tid\tvariant\tsettings\tmeaning\tremedy\tsource\n550\tFailed to open file.\tRETR\tvsftpd\t\t\t\tOur message.\tAsk the archive team.\tsite wiki\n' >"$work/messages.tsv"
"$bin" -r "$demo" --codes "$work/messages.tsv" >"$work/messages.txt" 2>/dev/null
grep -q 'Remedy: Ask the archive team.' "$work/messages.txt" || fail "--codes server message not used"
printf 'code\tafter\tname\tmeaning\twhen\tremedy\tsource\n55x\t\tn\tm\tw\tr\ts\n' >"$work/bad.tsv"
expect "bad --codes file" 1 "^ftpsniff: .*bad\.tsv:2: code '55x' is not three digits$" -- -r "$demo" --codes "$work/bad.tsv"
# A second --codes file in diagnoses.<lang>.tsv's format rewords a diagnosis
# and leaves the reply-code file's entry in force; an unknown id is an error.
bad=${demo%vsftpd-python-demo.pcap}vsftpd-curl-badlogin.pcap
printf '# our wording\nid\tvariant\tmessage\tremedy\nlogin_failed\tpass\tWrong password for {command}.\tReset it at the portal.\n' >"$work/diag.tsv"
"$bin" -r "$bad" --codes "$work/site.tsv" --codes "$work/diag.tsv" --format json >"$work/diag.jsonl" 2>/dev/null
grep -q '"message":"Wrong password for PASS.","remedy":"Reset it at the portal."' "$work/diag.jsonl" ||
    fail "--codes diagnoses file not used"
printf 'id\tvariant\tmessage\tremedy\nno_such_thing\t\tm\tr\n' >"$work/baddiag.tsv"
expect "unknown diagnosis in --codes" 1 "^ftpsniff: .*baddiag\.tsv: there is no diagnosis 'no_such_thing' " -- -r "$bad" --codes "$work/baddiag.tsv"
expect "missing --codes file" 1 "^ftpsniff: .*none\.tsv: cannot be read$" -- explain 530 --codes "$work/none.tsv"
expect "explain without a code" 2 "codes" -- explain
expect "explain three codes" 2 "^ftpsniff: explain: 3 codes given; explain takes one, or two to compare them$" -- explain 200 226 550
"$bin" explain --help | grep -q -- '--format text|json' || fail "explain --help: no --format"
"$bin" explain --help | grep -q -- '--lang en|ja|ko' || fail "explain --help: no --lang"
"$bin" explain --help | grep -q -- '--codes FILE' || fail "explain --help: no --codes"
expect "explain the same code twice" 2 "^ftpsniff: explain: 214 is given twice; compare two different codes$" -- explain 214 214
expect "explain after an unknown verb" 2 "^ftpsniff: explain: --after 'FOO' is not an FTP command ftpsniff knows" -- explain 530 --after FOO
expect "explain five digits" 2 "Windows Sockets error" -- explain 12345
# A reply line finds the server's own message; a Winsock error is the client's.
"$bin" explain "451 big.iso: Append/Restart not permitted, try again" >"$work/line.txt" ||
    fail "explain of a reply line failed"
grep -q '^ProFTPD · 451 "Append/Restart not permitted"' "$work/line.txt" || fail "explain of a reply line: no ProFTPD entry"
grep -q 'AllowStoreRestart' "$work/line.txt" || fail "explain of a reply line: no setting named"
"$bin" explain "550 nothing like any server says" --format json | grep -q '"messages":\[\],"code":{"code":550' ||
    fail "explain of an unknown reply line: not the code's entry"
"$bin" explain 10061 | grep -q "^Winsock 10061 WSAECONNREFUSED · a Windows Sockets error of the client's own system" ||
    fail "explain 10061: not a client error"
"$bin" explain 530 --after pass | grep -q "^FTP 530 Not logged in (after PASS)" || fail "--after pass: not PASS's entry"

# Passwords are masked unless asked for.
"$bin" -r "$demo" >"$work/masked.txt" 2>/dev/null
grep -q 'demo-pass-123' "$work/masked.txt" && fail "password shown without --show-passwords"
grep -q 'PASS \*\*\*\*' "$work/masked.txt" || fail "PASS not shown as ****"
"$bin" -r "$demo" --show-passwords >"$work/shown.txt" 2>/dev/null
grep -q 'PASS demo-pass-123' "$work/shown.txt" || fail "--show-passwords did not show it"

[ "$failures" -eq 0 ] || { echo "cli checks: $failures failed" >&2; exit 1; }
