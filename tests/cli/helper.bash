# helper.bash - loaded by every command test
#
# Commands come from the build tree ($MARE_BUILDDIR), never from PATH, so
# VPATH builds and make distcheck test what was just built. With
# MARE_VALGRIND set (make check-valgrind), every mare command runs under it.

bats_require_minimum_version 1.5.0

: "${MARE_BUILDDIR:?run the tests through make check}"
: "${MARE_SRCDIR:?run the tests through make check}"
DATA="$MARE_SRCDIR/tests/data"
export LC_ALL=C TZ=UTC

# The golden models were made with OpenBLAS's Haswell kernels (AVX2 + FMA).
# OpenBLAS picks its kernels by processor, and its AVX-512 ones (SkylakeX,
# Cooperlake) add in another order, so their models differ in the last
# bits. Pin the Haswell kernels where the processor can run them; the
# processor's own kernels are tried against the goldens with a tolerance
# (mare-train.bats, "the processor's own BLAS kernels").
if [[ -z ${OPENBLAS_CORETYPE+set} ]] &&
    grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo; then
	export OPENBLAS_CORETYPE=Haswell MARE_TEST_PINNED_BLAS=1
fi

if [ -d /usr/lib/bats/bats-support ]; then
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
fi

# Wrap each built command in a function so valgrind can be inserted, and
# let the mare dispatcher find its commands in the build tree.
export MARE_EXEC_PATH="$MARE_BUILDDIR"
# A lone --help or --version prints text and exits: valgrind's 2 s start-up
# on each of docs.bats's and common.bats's many such runs buys nothing.
_mare_wrap() {
	eval "$(printf '%s() {
		case "$*" in
		--help|-h|--version|-V) %q "$@" ;;
		*) ${MARE_VALGRIND:-} %q "$@" ;;
		esac
	}' "$1" "$MARE_BUILDDIR/$1" "$MARE_BUILDDIR/$1")"
}
for _c in "$MARE_BUILDDIR"/mare "$MARE_BUILDDIR"/mare-*; do
	_c=${_c##*/}
	[[ $_c =~ ^mare(-[a-z0-9-]+)?$ && -x $MARE_BUILDDIR/$_c ]] || continue
	_mare_wrap "$_c"
done
unset _c

# golden FILE CASE: compare FILE with tests/data/expected/CASE, show a diff.
golden() {
	diff -u "$DATA/expected/$2" "$1"
}

# start_httpd [httpd.py options...]: start tests/cli/httpd.py, the loopback
# server replaying the recorded GBIF/OBIS responses (faults with --faults
# FILE), and set HTTPD_URL (http://127.0.0.1:PORT), HTTPD_PID and HTTPD_LOG
# (one line per request). It exits by itself after --max-seconds (120 by
# default) so it can never outlive the run; call stop_httpd in teardown.
# no_proxy='*' keeps libcurl off any proxy: nothing leaves 127.0.0.1.
start_httpd() {
	local pf="$BATS_TEST_TMPDIR/httpd.port" i
	HTTPD_LOG="$BATS_TEST_TMPDIR/httpd.log"
	rm -f "$pf"
	"${PYTHON3:-python3}" "$MARE_SRCDIR/tests/cli/httpd.py" \
	    --port-file "$pf" --log "$HTTPD_LOG" --max-seconds 120 "$@" \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/httpd.err" 3>&- &
	HTTPD_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { cat "$BATS_TEST_TMPDIR/httpd.err" >&2; return 1; }
	HTTPD_URL="http://127.0.0.1:$(<"$pf")"
	export no_proxy='*' NO_PROXY='*'
}

# stop_httpd: stop the server start_httpd started (no-op if none).
stop_httpd() {
	if [[ -n ${HTTPD_PID:-} ]]; then
		kill "$HTTPD_PID" 2>/dev/null || true
		wait "$HTTPD_PID" 2>/dev/null || true
		HTTPD_PID=
	fi
}

# heavy CMD ARGS...: run CMD (a command or a test function calling one)
# whose cost is its data: 750-record GBIF pages, the real archives,
# cross-validated fits. valgrind makes such a run 30-50x slower (a minute
# each; together most of check-valgrind's 20 minutes), so under
# check-valgrind it runs unchecked, unless MARE_VALGRIND_HEAVY=1. check-asan
# runs it with AddressSanitizer, LeakSanitizer and UBSan in every CI run,
# and the same code path runs under valgrind on smaller data in its file.
heavy() {
	if [[ ${MARE_VALGRIND_HEAVY:-} != 1 ]]; then
		local MARE_VALGRIND=
	fi
	"$@"
}

# unchecked CMD ARGS...: run a built command without valgrind, for set-up
# steps (training a model to test mare-predict with) whose own checking
# belongs to that command's tests.
unchecked() {
	"$MARE_BUILDDIR/$1" "${@:2}"
}
