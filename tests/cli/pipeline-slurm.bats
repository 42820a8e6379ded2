#!/usr/bin/env bats
# pipeline-slurm.bats - pipelines/slurm/submit-multi without a cluster: the
# commands of --dry-run, exactly; and a stand-in sbatch that runs the array
# tasks and the summary job here, one after the other, so the job array's
# script is checked end to end on three species and a broken one.

load helper

PIPE="$MARE_SRCDIR/pipelines"
# The bundled present-day layers (data/layers/present when the folder
# holds more than one stack).
LAYERS="$PIPE/data/layers"
[[ -d $LAYERS/present ]] && LAYERS+=/present
SUBMIT="$PIPE/slurm/submit-multi"

setup() {
	/usr/bin/python3 -c 'import numpy' 2>/dev/null ||
	    skip "python3-numpy not installed"
	# the tests' own make, not the one running make check (whose
	# jobserver descriptors bats does not pass on)
	unset MAKEFLAGS MFLAGS MAKELEVEL
	mkdir "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	"$PIPE/tools/synth-species" --layers "$LAYERS" --out rec \
	    --count 3 --seed 9 --min 40 --max 60 --list list.txt
	printf '# a comment\nbroken\n' >>list.txt
	: >rec/broken.jsonl
	# The stand-in: logs its arguments, runs each array task with
	# SLURM_ARRAY_TASK_ID set (ignoring failures, as SLURM does), runs
	# --wrap commands with sh, prints a job id.
	cat >sbatch <<'SH'
#!/bin/bash
printf '%s\n' "$*" >>sbatch.log
array= wrap= args=()
for a in "$@"; do
	case $a in
	--array=*) array=${a#--array=}; array=${array%%%*} ;;
	--wrap=*) wrap=${a#--wrap=} ;;
	--*) ;;
	*) args+=("$a") ;;
	esac
done
if [ -n "$wrap" ]; then
	sh -c "$wrap" >wrap.out 2>&1
	echo 102
else
	for ((i = ${array%-*}; i <= ${array#*-}; i++)); do
		SLURM_ARRAY_TASK_ID=$i "${args[@]}" >"task-$i.out" 2>&1 || true
	done
	echo "101;cluster"
fi
SH
	chmod +x sbatch
}

@test "slurm: --dry-run prints the three commands it would run" {
	run -0 "$SUBMIT" --dry-run --max-parallel 2 \
	    --sbatch-args '--account=sdm --time=00:10:00' \
	    SPECIES_LIST=list.txt RECORDS=rec OUT=out CV=3
	mk="$PIPE/multi.mk"
	assert_output "$(printf '%s\n' \
	    "make --no-print-directory -f $mk params SPECIES_LIST=list.txt RECORDS=rec OUT=out CV=3" \
	    "sbatch --parsable --account=sdm --time=00:10:00 --array=1-4%2 $PIPE/slurm/multi.sbatch $mk SPECIES_LIST=list.txt RECORDS=rec OUT=out CV=3" \
	    "sbatch --parsable --account=sdm --time=00:10:00 --job-name=mare-multi-summary --dependency=afterany:ARRAY_JOB_ID --output=out/summary-%j.out --wrap=make\\ --no-print-directory\\ -f\\ ${mk// /\\ }\\ summary\\ SPECIES_LIST=list.txt\\ RECORDS=rec\\ OUT=out\\ CV=3")"
	[[ ! -e out ]]
}

@test "slurm: the array tasks and the summary job build what make -k builds" {
	run -0 env SBATCH=./sbatch MAKE=make "$SUBMIT" SPECIES_LIST=list.txt \
	    RECORDS=rec OUT=out MARE_BIN="$MARE_BUILDDIR" BACKGROUND=2000 \
	    FEATURES=lq CV=3
	assert_output 'submit-multi: 4 species in job array 101, summary job 102'
	run -0 cat sbatch.log
	assert_line --index 1 --regexp '^--parsable --job-name=mare-multi-summary --dependency=afterany:101 '
	run -0 cat task-2.out
	assert_line --index 0 --regexp '^multi.sbatch: task 2: sp0002 on '
	run -0 cut -f 1,2,12 out/summary.tsv
	assert_output "$(printf '%s\n' 'species	status	reason' 'sp0001	ok	NA' \
	    'sp0002	ok	NA' 'sp0003	ok	NA' \
	    'broken	failed	featurize: mare-featurize: no presences (rows with label 1) to fit on')"
	[[ -s out/sp0003/model.json && -s out/sp0003/suitability.asc ]]
}

@test "slurm: a task past the end of the list, and a missing list, are errors" {
	SLURM_ARRAY_TASK_ID=9 run -64 "$PIPE/slurm/multi.sbatch" \
	    "$PIPE/multi.mk" SPECIES_LIST=list.txt
	assert_output 'multi.sbatch: list.txt: no species number 9'
	run -66 "$SUBMIT" --dry-run SPECIES_LIST=nope.txt
	assert_output 'submit-multi: nope.txt: no such species list'
	run -64 "$SUBMIT" --max-parallel 0
	assert_output 'submit-multi: --max-parallel: not a positive number: 0'
}
