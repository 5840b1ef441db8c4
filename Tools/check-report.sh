#!/bin/sh
# Looks at a report.html in a real browser (headless Chromium, Debian's `chromium` package):
# a full-page screenshot to open and read, and the ranked table sorted by clicking its
# headers, printed. Not part of the tests (Chromium is a large install); run it after
# changing the report:
#
#   Tools/check-report.sh out/report.html [OUTDIR]
#
# Writes OUTDIR/report.png (default: the report's folder) and prints each column clicked and
# its values in the order the page then shows them. Exit 1 when Chromium is missing or a
# sort does not order its column.
set -eu
report=${1:?usage: Tools/check-report.sh REPORT.html [OUTDIR]}
[ -f "$report" ] || { echo "check-report: no such file: $report" >&2; exit 1; }
out=${2:-$(dirname "$report")}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "check-report: Chromium not found (apt-get install chromium)" >&2; exit 1; }
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$out"
flags="--headless --no-sandbox --disable-gpu --hide-scrollbars"

# The page's height, then the screenshot at that height (capped at 20,000 px).
probe=$(mktemp --suffix=.html -p "$(dirname "$report")")
trap 'rm -f "$probe"' EXIT
{
    sed 's#</body>##' "$report"
    cat <<'EOF'
<script>
var ths = document.querySelectorAll('#ranking th'), out = [];
function values(i) { return Array.from(document.querySelectorAll('#ranking tbody tr')).map(function (r) { return r.cells[i].textContent.trim(); }); }
function ordered(v, numeric, ascending) {
  for (var k = 1; k < v.length; k++) {
    var a = numeric ? (parseFloat(v[k - 1]) || 0) : v[k - 1], b = numeric ? (parseFloat(v[k]) || 0) : v[k];
    var c = numeric ? a - b : a.localeCompare(b);
    if (ascending ? c > 0 : c < 0) return false;
  }
  return true;
}
ths.forEach(function (th, i) {
  var numeric = th.dataset.type === 'n';
  [true, false].forEach(function (ascending) {
    th.click();
    var v = values(i);
    out.push((ordered(v, numeric, ascending) ? 'sorted   ' : 'UNSORTED ') + th.textContent + (ascending ? ' up:   ' : ' down: ') + v.slice(0, 12).map(function (x) { return x.length > 40 ? x.slice(0, 39) + '…' : x; }).join(' | '));
  });
});
out.push('height ' + document.documentElement.scrollHeight);
var pre = document.createElement('pre'); pre.id = 'check-report'; pre.textContent = out.join('\n'); document.body.appendChild(pre);
</script></body></html>
EOF
} > "$probe"
result=$($browser $flags --virtual-time-budget=3000 --dump-dom "file://$probe" 2>/dev/null \
    | sed -n '/<pre id="check-report">/,/<\/pre>/p' | sed 's#.*<pre id="check-report">##; s#</pre>.*##')
[ -n "$result" ] || { echo "check-report: the page's script did not run" >&2; exit 1; }
echo "$result" | grep -v '^height '
height=$(echo "$result" | sed -n 's/^height //p')
[ "$height" -gt 20000 ] && height=20000
$browser $flags --window-size=1400,"$height" --screenshot="$out/report.png" "file://$report" >/dev/null 2>&1
echo "screenshot: $out/report.png (1400 x $height px)"
! echo "$result" | grep -q '^UNSORTED'
