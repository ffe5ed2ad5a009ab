#!/bin/bash
# viz-test.sh MODE GOBOOT GOPROGS VALIDATE — `goboot timeline` and `goboot report` end to end.
#   timeline: real traces (hello, goroutines) and a recording wrapping one give valid
#             trace-event JSON (viz_validate), the same bytes each time;
#   report:   the HTML page is self-contained, and headless Chromium renders it with the
#             stack picture and the timelines present, visible and non-empty (sizes measured
#             by a script injected into a copy, read back from --dump-dom), every syscall
#             row and thread lane there, hostile strings shown as text, and a screenshot
#             that is not blank;
#   cli:      usage and file errors give the documented exit codes.
set -u
mode=$1 goboot=$2 goprogs=$3 validate=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

trace() { # NAME PROG [run options]: a trace of one run into $work/NAME.json
  local name=$1 prog=$2
  shift 2
  [ -x "$goprogs/$prog" ] || fail "missing Go test program $goprogs/$prog (build the goprogs target)"
  "$goboot" run --trace "$work/$name.json" --argv0 "$prog" "$@" "$goprogs/$prog" \
    >"$work/$name.out" 2>&1 || fail "goboot run $prog: exit $? ($(tail -3 "$work/$name.out"))"
}

case $mode in
timeline)
  trace hello hello
  trace gor goroutines
  for t in hello gor; do
    "$goboot" timeline "$work/$t.json" -o "$work/$t.tl.json" || fail "timeline $t: exit $?"
    # hello: 3 thread slices + boot + >= 12 phases; every syscall is an instant
    n=$(grep -o '"ev": *"syscall"' "$work/$t.json" | wc -l)
    "$validate" "$work/$t.tl.json" 15 "$n" || fail "timeline $t is not valid trace-event JSON"
    "$goboot" timeline "$work/$t.json" >"$work/$t.tl2.json" || fail "timeline to stdout: exit $?"
    cmp -s "$work/$t.tl.json" "$work/$t.tl2.json" || fail "timeline $t differs between two runs"
  done
  grep -q '"name":"main.main","cat":"phase","ph":"X"' "$work/hello.tl.json" || fail "no main.main slice"
  grep -q '"name":"thread_name"' "$work/gor.tl.json" || fail "no thread names"
  grep -q '1 us = 1 guest instruction' "$work/gor.tl.json" || fail "time unit not documented"
  # a recording: an object whose "trace" member is the trace
  { printf '{"format":"gbrec","inputs":{},"trace":'; cat "$work/gor.json"; printf '}\n'; } >"$work/gor.gbrec"
  "$goboot" timeline "$work/gor.gbrec" -o "$work/rec.tl.json" || fail "timeline of a recording: exit $?"
  cmp -s "$work/gor.tl.json" "$work/rec.tl.json" || fail "recording and trace give different timelines"
  echo "timeline: ok"
  ;;
report)
  command -v chromium >/dev/null ||
    fail "chromium is not installed: the HTML report test renders the page in headless Chromium (apt-get install chromium; scripts/apt-packages.txt lists it)"
  trace gor goroutines --env 'HOSTILE=<b>bold</b><img src=x onerror=alert(1)>&"' --arg '<script>alert(2)</script>'
  "$goboot" report "$work/gor.json" -o "$work/report.html" || fail "report: exit $?"
  "$goboot" report "$work/gor.json" | cmp -s - "$work/report.html" || fail "report differs between two runs"
  # self-contained: nothing to fetch (the only URL is the SVG namespace)
  grep -Eo '(src|href)="[^"#][^"]*"' "$work/report.html" && fail "the page references external resources"
  grep -Eo 'https?://[^" )]*' "$work/report.html" | grep -v '^http://www.w3.org/2000/svg$' &&
    fail "the page holds a URL"
  # measure the key elements in a copy of the page
  python3 - "$work/report.html" "$work/measured.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
probe = """<script>(function(){
var ids=['stack-picture','timeline-linear','timeline-log','syscalls','facts'],out=[];
ids.forEach(function(id){var e=document.getElementById(id);
 if(!e){out.push(id+'=missing');return;}
 var r=e.getBoundingClientRect(),s=getComputedStyle(e);
 out.push(id+'='+Math.round(r.width)+'x'+Math.round(r.height)+
   (s.display=='none'||s.visibility=='hidden'||s.opacity=='0'?':hidden':''));});
var q=function(sel){return document.querySelectorAll(sel).length;};
document.body.setAttribute('data-viz-sizes',out.join(' '));
document.body.setAttribute('data-viz-counts','srow='+q('#stack-picture g.srow')+' arrows='+q('#stack-picture path.ptr')+
 ' lanes='+q('#timeline-linear g.lane')+' phases='+q('#timeline-linear g.phase')+
 ' sysrows='+q('#syscalls tbody tr')+' injected='+q('main img, main script'));
document.body.setAttribute('data-viz-text',
 document.getElementById('facts').textContent.indexOf('HOSTILE=<b>bold</b><img src=x onerror=alert(1)>&"')>=0?'shown':'lost');
})();</script>"""
assert page.count("</body>") == 1
open(sys.argv[2], "w", encoding="utf-8").write(page.replace("</body>", probe + "</body>"))
PY
  chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
          --disable-background-networking --disable-component-update --disable-sync
          --window-size=1280,2000)
  "${chrome[@]}" --user-data-dir="$(mktemp -d -p "$work")" --dump-dom "file://$work/measured.html" \
    >"$work/dom.html" 2>"$work/chromium.err" || fail "chromium --dump-dom: exit $? ($(tail -3 "$work/chromium.err"))"
  "${chrome[@]}" --user-data-dir="$(mktemp -d -p "$work")" --screenshot="$work/shot.png" \
    "file://$work/report.html" >/dev/null 2>>"$work/chromium.err" || fail "chromium --screenshot: exit $?"
  python3 - "$work/gor.json" "$work/dom.html" <<'PY' || fail "rendered page check"
import json, re, sys
t = json.load(open(sys.argv[1]))
dom = open(sys.argv[2], encoding="utf-8").read()
def attr(name):
    m = re.search(name + r'="([^"]*)"', dom)
    if not m:
        sys.exit(f"{name} missing from the dumped DOM (did the page's scripts run?)")
    return m.group(1)
sizes = dict(kv.split("=") for kv in attr("data-viz-sizes").split())
counts = {k: int(v) for k, v in (kv.split("=") for kv in attr("data-viz-counts").split())}
print("sizes:", sizes, "counts:", counts)
for el, size in sizes.items():
    if size == "missing" or size.endswith(":hidden"):
        sys.exit(f"#{el} is {size}")
    w, h = map(int, size.split("x"))
    if w < 200 or h < 100:
        sys.exit(f"#{el} is too small to see: {size}")
inp = t["header"]["inputs"]
argc, envc, nauxv = len(inp["argv"]), len(inp["envp"]), len(inp["auxv"])
want_rows = 1 + 1 + envc + argc + 1 + 1 + nauxv + 1 + envc + 1 + argc + 1  # minimum
if counts["srow"] < want_rows:
    sys.exit(f"stack picture has {counts['srow']} boxes, want >= {want_rows}")
if counts["arrows"] < argc + envc + 3:
    sys.exit(f"stack picture has {counts['arrows']} arrows, want >= {argc + envc + 3}")
if counts["lanes"] != t["summary"]["threads"]:
    sys.exit(f"timeline has {counts['lanes']} lanes, trace has {t['summary']['threads']} threads")
if counts["phases"] < 12:
    sys.exit(f"timeline has {counts['phases']} phase bars")
nsys = sum(e["ev"] in ("syscall", "unknown_syscall") for e in t["events"])
if counts["sysrows"] != nsys:
    sys.exit(f"syscall table has {counts['sysrows']} rows, trace has {nsys} syscalls")
if counts["injected"]:
    sys.exit("guest strings became elements")
if attr("data-viz-text") != "shown":
    sys.exit("the hostile environment string is not shown verbatim as text")
PY
  read -r w h colours < <(python3 "$here/png_colours.py" "$work/shot.png") || fail "cannot decode the screenshot"
  echo "screenshot ${w}x${h}, $colours distinct colours (sampled)"
  [ "$w" = 1280 ] && [ "$h" = 2000 ] || fail "screenshot is ${w}x${h}, not 1280x2000"
  [ "$colours" -ge 50 ] || fail "screenshot looks blank: $colours colours"
  if [ -n "${GOBOOT_VIZ_KEEP:-}" ]; then cp "$work/report.html" "$work/shot.png" "$GOBOOT_VIZ_KEEP/"; fi
  echo "report: ok"
  ;;
cli)
  trace hello hello
  for c in timeline report; do
    "$goboot" $c >/dev/null 2>&1; [ $? = 64 ] || fail "$c without TRACE: want 64"
    "$goboot" $c a b >/dev/null 2>&1; [ $? = 64 ] || fail "$c with two TRACEs: want 64"
    "$goboot" $c --bogus "$work/hello.json" >/dev/null 2>&1; [ $? = 64 ] || fail "$c --bogus: want 64"
    "$goboot" $c --help | grep -q "usage: goboot $c" || fail "$c --help"
    "$goboot" $c "$work/none.json" >/dev/null 2>&1; [ $? = 65 ] || fail "$c of a missing file: want 65"
    echo '{"not": "a trace"}' >"$work/bad.json"
    "$goboot" $c "$work/bad.json" >/dev/null 2>"$work/err"; [ $? = 65 ] || fail "$c of a non-trace: want 65"
    grep -q "not a goboot trace" "$work/err" || fail "$c: unclear message: $(cat "$work/err")"
    head -c 1000 "$work/hello.json" >"$work/cut.json"
    "$goboot" $c "$work/cut.json" >/dev/null 2>&1; [ $? = 65 ] || fail "$c of a truncated trace: want 65"
    "$goboot" $c "$work/hello.json" -o "$work/nodir/x" >/dev/null 2>&1; [ $? = 65 ] || fail "$c to a bad path: want 65"
  done
  echo "cli: ok"
  ;;
*) fail "unknown mode $mode" ;;
esac
