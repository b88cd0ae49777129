#!/usr/bin/env bash
# The transcript's filters and colors. Usage: output_options.sh FTPSNIFF CAPTURES_DIR
set -uo pipefail
bin=$1 captures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
demo="$captures/vsftpd-python-demo.pcap"
two="$captures/vsftpd-curl-badlogin.pcap"

"$bin" -r "$demo" --errors --format json >"$work/errors.jsonl" 2>/dev/null
[ "$(grep -c '"type":"reply"' "$work/errors.jsonl")" -eq 1 ] || fail "--errors: expected the one 550 reply"
grep -q '"code":550' "$work/errors.jsonl" || fail "--errors: the 550 is missing"
grep -q '"type":"command"' "$work/errors.jsonl" && fail "--errors: commands shown"
grep -q '"type":"summary"' "$work/errors.jsonl" || fail "--errors: the summary must stay"

# Two replies with the same code, explained by different server messages,
# keep their own meanings in JSON (Pure-FTPd's 421 refusal, then its Logout.).
"$bin" -r "$captures/pureftpd-curl-tls-required.pcap" --format json >"$work/messages.jsonl" 2>/dev/null
grep -q '"frame":10,.*"meaning":"Pure-FTPd'"'"'s last line when the client closed' "$work/messages.jsonl" ||
    fail "JSON: frame 10 does not carry its own server message"
# What a failed transfer was about: the file, in JSON (as the README's jq
# recipe reads it), in --errors and on its data connection.
full="$captures/vsftpd-curl-disk-full.pcap"
"$bin" -r "$full" --format json 2>/dev/null | grep -q '"code":451,.*"command":"STOR","arg":"upload-big.bin","path":"/small/upload-big.bin"' ||
    fail "JSON: the 451 to STOR lacks its argument and path"
"$bin" -r "$full" --errors >"$work/full.txt" 2>/dev/null
grep -q '· answers STOR upload-big.bin after' "$work/full.txt" || fail "--errors: the 451 does not name its file"
grep -q 'for STOR upload-big.bin:' "$work/full.txt" || fail "--errors: the data connection does not name its file"

"$bin" -r "$demo" --code 2xx,150 --format json >"$work/codes.jsonl" 2>/dev/null
[ "$(grep -c '"type":"reply"' "$work/codes.jsonl")" -eq 14 ] || fail "--code 2xx,150: expected 14 replies"
grep -q '"type":"reply",.*"code":550,' "$work/codes.jsonl" && fail "--code 2xx,150: a 550 got through"

"$bin" -r "$demo" --session 99 >/dev/null 2>"$work/s99.err"
grep -q -- "--session 99: there is no such session; the capture has 1$" "$work/s99.err" ||
    fail "--session 99 on one session: not said"
"$bin" -r "$two" --session 2 --format json >"$work/session.jsonl" 2>/dev/null
grep -q '"session":1,' "$work/session.jsonl" && fail "--session 2: session 1 shown"
grep -q '"session":2,.*"type"\|"type":"session_start".*"session":2' "$work/session.jsonl" || fail "--session 2: nothing of session 2"

# --frames: each line starts with the frame tshark numbers the same (the 550
# to RETR is frame 55 of the demo capture); continuation lines keep the column.
"$bin" -r "$demo" --frames --code 550 >"$work/frames.txt" 2>/dev/null
grep -q '^    55 04:34:20.362422 #1 < 550 Failed to open file.$' "$work/frames.txt" || fail "--frames: no frame 55"
"$bin" -r "$demo" --frames --format markdown >"$work/frames.md" 2>/dev/null
grep -q '^    55 04:34:20.362422 < 550 Failed to open file.$' "$work/frames.md" || fail "--frames: not in the report"
"$bin" -r "$demo" >"$work/noframes.txt" 2>/dev/null
grep -q '^ *55 ' "$work/noframes.txt" && fail "frame numbers shown without --frames"
"$bin" -r "$captures/vsftpd-lftp-ipv6.pcap" --frames --code 211 >"$work/multi.txt" 2>/dev/null
grep -q '^     8 04:34:21.821858 #1 < 211-Features:$' "$work/multi.txt" || fail "--frames: no frame 8 for FEAT's reply"
grep -q "^$(printf '%22s') #1 <  EPSV\$" "$work/multi.txt" || fail "--frames: a reply's next lines are not aligned"
"$bin" -r "$demo" --format json 2>/dev/null | grep -o '"frame":[0-9a-z]*' >"$work/frames.a"
"$bin" -r "$demo" --format json --anonymize 2>/dev/null | grep -o '"frame":[0-9a-z]*' >"$work/frames.b"
cmp -s "$work/frames.a" "$work/frames.b" || fail "--anonymize changed the frame numbers"

"$bin" -r "$demo" --color always >"$work/color.txt" 2>/dev/null
grep -q $'\x1b\\[1;31m550' "$work/color.txt" || fail "--color always: the 550 is not red"
"$bin" -r "$demo" --color never >"$work/plain.txt" 2>/dev/null
grep -q $'\x1b' "$work/plain.txt" && fail "--color never: escape sequences in the output"
NO_COLOR=1 "$bin" -r "$demo" >"$work/auto.txt" 2>/dev/null
grep -q $'\x1b' "$work/auto.txt" && fail "--color auto into a file: escape sequences in the output"

"$bin" -r "$two" --format json --report "$work/report.md" >"$work/with-report.jsonl" 2>/dev/null
grep -q '^# FTP capture report' "$work/report.md" || fail "--report: no Markdown report written"
grep -q '"type":"summary"' "$work/with-report.jsonl" || fail "--report: the JSON output is missing"
grep -q '530 Login incorrect' "$work/report.md" || fail "--report: the failed login is not among the findings"

# -w: the control connections (and with --with-data their data) with every
# password masked, the mask telling nothing of its length; the written
# capture reads the same, less the password, in ftpsniff and in tshark.
"$bin" -r "$demo" -w "$work/out.pcap" --with-data >/dev/null 2>&1 || fail "-w failed"
grep -aq 'demo-pass-123' "$work/out.pcap" && fail "-w: the password is in the written capture"
grep -aq $'PASS \\*\\*\\*\\*\r$' "$work/out.pcap" || fail "-w: PASS not masked as ****"
lost() { tshark -r "$1" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 2>/dev/null | wc -l; }
[ "$(lost "$demo")" = "$(lost "$work/out.pcap")" ] || fail "-w: tshark finds segments lost or unseen that were not"
tshark -r "$work/out.pcap" -Y ftp.request -T fields -e ftp.request.command -e ftp.request.arg 2>/dev/null \
    | grep -q $'^PASS\t\\*\\*\\*\\*$' || fail "-w: tshark does not read PASS ****"
"$bin" -r "$demo" --format json 2>/dev/null | grep '"type":"reply"' | sed -E 's/"ts":[0-9.]*,"frame":[0-9]*,//' >"$work/a"
"$bin" -r "$work/out.pcap" --format json 2>/dev/null | grep '"type":"reply"' | sed -E 's/"ts":[0-9.]*,"frame":[0-9]*,//' >"$work/b"
cmp -s "$work/a" "$work/b" || fail "-w: the written capture does not read the same"
"$bin" -r "$work/out.pcap" --format json >"$work/written.jsonl" 2>/dev/null
grep -q '"type":"data_channel".*"end":"fin"' "$work/written.jsonl" || fail "-w --with-data: the data connections are missing"
for f in "$work"/*.jsonl "$work"/*.txt "$work"/*.md; do
    grep -aq 'demo-pass-123\|wrong-password' "$f" && fail "a password appears in $(basename "$f")"
done

# --anonymize: no original address or user name in any format.
for capture in "$captures"/*.pcap; do
    for format in text json markdown; do
        "$bin" -r "$capture" --anonymize --format "$format" >"$work/anon" 2>&1
        grep -aq '127\.0\.0\.1\|127,0,0,1\|\[::1\]\|ftpdemo' "$work/anon" &&
            fail "--anonymize: an original address or user in $(basename "$capture") as $format"
    done
done

"$bin" -r "$demo" --code 5x0 >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q "is not a code or pattern" "$work/err" || fail "--code 5x0 is not refused"

# --detect numbers only what it finds to be FTP: a connection before the
# session (a data connection of it, moved a minute earlier) takes no number.
abor="$captures/vsftpd-python-abor.pcap"
tshark -r "$abor" -Y 'not tcp.port == 21' -w "$work/data.pcap" 2>/dev/null && editcap -t -60 "$work/data.pcap" "$work/early.pcap"
"$bin" -r "$work/early.pcap" -r "$abor" --detect --session 1 --format json >"$work/detect.jsonl" 2>/dev/null
[ "$(grep -c '"type":"reply","ts":[0-9.]*,"frame":[0-9]*,"session":1,' "$work/detect.jsonl")" -eq 9 ] ||
    fail "--detect: session 1 is not the FTP session (its 9 replies)"

# Outside a UTF-8 locale our own typography is ASCII (the capture's text is as sent).
LC_ALL=C "$bin" -r "$full" >"$work/c.txt" 2>"$work/c.err"
LC_ALL=C "$bin" explain 530 >>"$work/c.txt"
if LC_ALL=C grep -q '[^ -~]' "$work/c.txt" "$work/c.err"; then
    fail "LC_ALL=C: non-ASCII written: $(LC_ALL=C grep -m1 '[^ -~]' "$work/c.txt" "$work/c.err")"
fi
grep -q '^    451 .* - 4xx transient negative completion - answers STOR' "$work/c.txt" || fail "LC_ALL=C: no ASCII separator"
LC_ALL=C.UTF-8 "$bin" -r "$full" >"$work/utf8.txt" 2>/dev/null
grep -q ' · 4xx transient negative completion · ' "$work/utf8.txt" || fail "LC_ALL=C.UTF-8: the separator is not '·'"

[ "$failures" -eq 0 ] || { echo "output options: $failures failed" >&2; exit 1; }
