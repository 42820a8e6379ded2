#!/usr/bin/env bats
# docs.bats - docs move with code (git t0450, curl test1139 and test1477):
# every long option of a command's --help is in its man page and in both
# completions, the exit status tables agree with lib/err.c, and each man
# page passes mandoc -Tlint.
#
# As in common.bats, each command has its own lines below.

load helper

MAN="$MARE_SRCDIR/man"
BASHC="$MARE_SRCDIR/completions/bash"
ZSHC="$MARE_SRCDIR/completions/zsh/_mare"

# The long options named in CMD --help, one a line, sorted.
help_long_options() {
	"$1" --help |
	    grep -oE -- '(^|[^[:alnum:]-])--[a-z][a-z0-9-]*' |
	    sed 's/^[^-]*//' | sort -u
}

# Fail with the list of CMD's long options missing from FILE. In mdoc an
# option is written "Fl -name", elsewhere "--name". Comments do not count.
check_options_in() {
	local cmd=$1 file=$2 opt missing= text

	[[ -f $file ]] || fail "$file is missing"
	text=$(grep -vE '^[[:space:]]*#|^\.\\"' "$file" | sed 's/\\-/-/g' || true)
	while read -r opt; do
		grep -qE -- "(Fl |-)-${opt#--}([^a-z0-9-]|\$)" <<<"$text" ||
		    missing+=" $opt"
	done < <(help_long_options "$cmd")
	[[ -z $missing ]] || fail "${file#"$MARE_SRCDIR"/}: missing$missing"
}

# The exit statuses of lib/err.c's table, one a line.
err_c_statuses() {
	sed -nE 's/^[[:space:]]*\{ *MARE_E_[A-Z_]+,[[:space:]]*([0-9]+),.*/\1/p' \
	    "$MARE_SRCDIR/lib/err.c" | sort -n
}

# The ".It N" entries of the EXIT STATUS section of a man page.
man_statuses() {
	awk '/^\.Sh /{ on = ($0 == ".Sh EXIT STATUS") }
	    on && /^\.It [0-9]+$/ { print $2 }' "$1" | sort -n
}

lint() {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run -0 mandoc -Tlint -Wwarning "$MAN/$1"
	assert_output ""
}

@test "docs: every built command is tested here" {
	local f name

	for f in "$MARE_BUILDDIR"/mare-*; do
		name=${f##*/}
		[[ -f $f && -x $f && $name =~ ^mare-[a-z0-9-]+$ ]] || continue
		grep -qF "@test \"$name: " "$BATS_TEST_FILENAME" ||
		    fail "$name is built but has no tests in docs.bats"
	done
}

@test "docs: lib/err.c's table is read (sanity check of the parser)" {
	run -0 err_c_statuses
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[2]}" 64
	[[ ${#lines[@]} -ge 10 ]]
}

@test "docs: the EXIT STATUS of mare(7) is lib/err.c's table" {
	assert_equal "$(man_statuses "$MAN/mare.7")" "$(err_c_statuses)"
}

@test "docs: every shared option of cli.h is in mare(7) and _mare" {
	local opt missing=

	# the long options of MARE_CLI_COMMON_HELP
	while read -r opt; do
		grep -qE -- "Fl -${opt#--}([^a-z0-9-]|\$)" "$MAN/mare.7" ||
		    missing+=" mare.7:$opt"
		grep -qE -- "${opt}([^a-z0-9-]|\$)" "$ZSHC" ||
		    missing+=" _mare:$opt"
	done < <(sed -n '/^#define MARE_CLI_COMMON_HELP/,/^$/p' \
	    "$MARE_SRCDIR/cmd/cli.h" | grep -oE -- '--[a-z][a-z0-9-]*' |
	    sort -u)
	[[ -z $missing ]] || fail "missing:$missing"
}

@test "docs: the commands of mare.c's table are in mare(1) and _mare" {
	local names

	names=$(sed -n '/^} commands\[\] = {/,/^};/p' "$MARE_SRCDIR/cmd/mare.c" |
	    sed -nE 's/^[[:space:]]*\{ "([a-z0-9-]+)",.*/\1/p')
	[[ -n $names ]] || fail "no commands found in cmd/mare.c"
	assert_equal "$(sed -nE '/^\.Ss Commands/,/^\.El/s/^\.It Cm ([a-z0-9-]+)$/\1/p' \
	    "$MAN/mare.1")" "$names"
	assert_equal "$(sed -nE "/^  known=\(/,/^  \)/s/^    '([a-z0-9-]+):.*/\1/p" \
	    "$ZSHC")" "$names"
}

@test "mare: every long option of --help is in mare(1)" {
	check_options_in mare "$MAN/mare.1"
}

@test "mare: every long option of --help is in the bash completion" {
	check_options_in mare "$BASHC/mare"
}

@test "mare: every long option of --help is in the zsh completion" {
	check_options_in mare "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare "* ]]
}

@test "mare: the exit statuses in mare(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare.1: exit status $s is not in lib/err.c"
	done
}

@test "mare: mare.1 and mare.7 pass mandoc -Tlint" {
	lint mare.1
	lint mare.7
}

@test "mare-featurize: every long option of --help is in mare-featurize(1)" {
	check_options_in mare-featurize "$MAN/mare-featurize.1"
}

@test "mare-featurize: every long option of --help is in the bash completion" {
	check_options_in mare-featurize "$BASHC/mare-featurize"
}

@test "mare-featurize: every long option of --help is in the zsh completion" {
	check_options_in mare-featurize "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-featurize "* ]]
}

@test "mare-featurize: the exit statuses in mare-featurize(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-featurize.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-featurize.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-featurize: mare-featurize.1 passes mandoc -Tlint" {
	lint mare-featurize.1
}

@test "mare-fetch: every long option of --help is in mare-fetch(1)" {
	check_options_in mare-fetch "$MAN/mare-fetch.1"
}

@test "mare-fetch: every long option of --help is in the bash completion" {
	check_options_in mare-fetch "$BASHC/mare-fetch"
}

@test "mare-fetch: every long option of --help is in the zsh completion" {
	check_options_in mare-fetch "$ZSHC"
	run -0 sed -n 1p "$ZSHC"
	[[ " $output " == *" mare-fetch "* ]]
}

@test "mare-fetch: the exit statuses in mare-fetch(1) are in lib/err.c's table" {
	local s
	err_c_statuses >"$BATS_TEST_TMPDIR/err"
	for s in $(man_statuses "$MAN/mare-fetch.1"); do
		grep -qx "$s" "$BATS_TEST_TMPDIR/err" ||
		    fail "mare-fetch.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-fetch: mare-fetch.1 passes mandoc -Tlint" {
	lint mare-fetch.1
}

@test "mare-drift: every long option of --help is in mare-drift(1)" {
	check_options_in mare-drift "$MAN/mare-drift.1"
}

@test "mare-drift: every long option of --help is in the bash completion" {
	check_options_in mare-drift "$BASHC/mare-drift"
}

@test "mare-drift: every long option of --help is in the zsh completion" {
	check_options_in mare-drift "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-drift "* ]]
}

@test "mare-drift: the exit statuses in mare-drift(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-drift.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-drift.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-drift: mare-drift.1 passes mandoc -Tlint" {
	lint mare-drift.1
}

@test "mare-predict: every long option of --help is in mare-predict(1)" {
	check_options_in mare-predict "$MAN/mare-predict.1"
}

@test "mare-predict: every long option of --help is in the bash completion" {
	check_options_in mare-predict "$BASHC/mare-predict"
}

@test "mare-predict: every long option of --help is in the zsh completion" {
	check_options_in mare-predict "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-predict "* ]]
}

@test "mare-predict: the exit statuses in mare-predict(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-predict.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-predict.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-predict: mare-predict.1 passes mandoc -Tlint" {
	lint mare-predict.1
}

@test "mare-report: every long option of --help is in mare-report(1)" {
	check_options_in mare-report "$MAN/mare-report.1"
}

@test "mare-report: every long option of --help is in the bash completion" {
	check_options_in mare-report "$BASHC/mare-report"
}

@test "mare-report: every long option of --help is in the zsh completion" {
	check_options_in mare-report "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-report "* ]]
}

@test "mare-report: the exit statuses in mare-report(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-report.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-report.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-report: mare-report.1 passes mandoc -Tlint" {
	lint mare-report.1
}

@test "mare-tensor: every long option of --help is in mare-tensor(1)" {
	check_options_in mare-tensor "$MAN/mare-tensor.1"
}

@test "mare-tensor: every long option of --help is in the bash completion" {
	check_options_in mare-tensor "$BASHC/mare-tensor"
}

@test "mare-tensor: every long option of --help is in the zsh completion" {
	check_options_in mare-tensor "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-tensor "* ]]
}

@test "mare-tensor: the exit statuses in mare-tensor(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-tensor.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-tensor.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-tensor: mare-tensor.1 and mare-tensor.5 pass mandoc -Tlint" {
	lint mare-tensor.1
	lint mare-tensor.5
}

@test "mare-train: every long option of --help is in mare-train(1)" {
	check_options_in mare-train "$MAN/mare-train.1"
}

@test "mare-train: every long option of --help is in the bash completion" {
	check_options_in mare-train "$BASHC/mare-train"
}

@test "mare-train: every long option of --help is in the zsh completion" {
	check_options_in mare-train "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-train "* ]]
}

@test "mare-train: the exit statuses in mare-train(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-train.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-train.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-train: mare-train.1 and mare-model.5 pass mandoc -Tlint" {
	lint mare-train.1
	lint mare-model.5
}

@test "mare-validate: every long option of --help is in mare-validate(1)" {
	check_options_in mare-validate "$MAN/mare-validate.1"
}

@test "mare-validate: every long option of --help is in the bash completion" {
	check_options_in mare-validate "$BASHC/mare-validate"
}

@test "mare-validate: every long option of --help is in the zsh completion" {
	check_options_in mare-validate "$ZSHC"
	run -0 head -n 1 "$ZSHC"
	[[ " $output " == *" mare-validate "* ]]
}

@test "mare-validate: the exit statuses in mare-validate(1) are in lib/err.c's table" {
	local s

	for s in $(man_statuses "$MAN/mare-validate.1"); do
		grep -qx "$s" <(err_c_statuses) ||
		    fail "mare-validate.1: exit status $s is not in lib/err.c"
	done
}

@test "mare-validate: mare-validate.1 passes mandoc -Tlint" {
	lint mare-validate.1
}
