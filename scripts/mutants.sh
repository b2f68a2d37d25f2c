#!/bin/sh
# Mutation testing of the safety-critical code: each mutant of tests/mutants.txt (one
# realistic bug: a file, its exact original text, a replacement, and what an operator
# would suffer) is applied alone to a private copy of the committed tree, which is
# rebuilt incrementally and tested (fast labels first, stopping at the first failure).
# A mutant that some test fails on is killed; a survivor is a bug no test would catch.
#
#   sh scripts/mutants.sh            all mutants; prints the score and the survivors
#   sh scripts/mutants.sh --check    only checks that every original text occurs exactly
#                                    once in its file (seconds; also a ctest test)
# Options: --list FILE (default tests/mutants.txt), --only REGEX (mutant names),
#   --worktree (copy the working tree, uncommitted files included, instead of HEAD),
#   --workdir DIR (keep the copy and its build there, reused by the next run),
#   --timeout S (per mutant, default 300), --min PERCENT (exit 2 below it, default 90),
#   --skip-baseline (do not first check that the unmutated copy passes).
# Not run in CI: it takes tens of minutes. The last score is recorded in docs/testing.md.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
list=$here/tests/mutants.txt
skip_baseline=0 list_given=0 check_only=0 only='' from_worktree=0 workdir='' per_mutant=300 min=90
while [ $# -gt 0 ]; do
    case $1 in
    --check) check_only=1 ;;
    --skip-baseline) skip_baseline=1 ;;
    --list) list=$2; list_given=1; shift ;;
    --only) only=$2; shift ;;
    --worktree) from_worktree=1 ;;
    --workdir) workdir=$2; shift ;;
    --timeout) per_mutant=$2; shift ;;
    --min) min=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "mutants.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done
[ -f "$list" ] || { echo "mutants.sh: no list $list" >&2; exit 66; }

# The list: blocks of "key = value" lines (name, file, from, to, harm) separated by blank
# lines; '#' starts a comment line. Values are one line each, trimmed at both ends.
# mutant_tool ROOT MODE [NAME]: MODE check = every original once (prints the names);
# apply/restore = change NAME's file in ROOT (restore from ROOT/.mutants/orig).
mutant_tool() {
    perl -e '
use strict; use warnings;
my ($list, $root, $mode, $want) = @ARGV;
open(my $fh, "<", $list) or die "cannot read $list: $!\n";
my (@m, $cur, $errors); my $line = 0;
sub done { my $c = shift; return unless $c; for my $k (qw(name file from to harm)) {
    unless (defined $c->{$k} && length $c->{$k}) { print STDERR "$list:$c->{line}: mutant without $k\n"; $errors++; return } }
    if ($c->{from} eq $c->{to}) { print STDERR "$list:$c->{line}: $c->{name}: from and to are the same\n"; $errors++; return }
    push @m, $c }
while (my $l = <$fh>) {
    $line++; chomp $l;
    next if $l =~ /^\s*#/;
    if ($l =~ /^\s*$/) { done($cur); $cur = undef; next }
    if ($l =~ /^(name|file|from|to|harm)\s*=\s?(.*?)\s*$/) { $cur //= { line => $line }; $cur->{$1} = $2; next }
    print STDERR "$list:$line: expected key = value (name, file, from, to, harm)\n"; $errors++;
}
done($cur);
my %seen; for my $c (@m) { if ($seen{$c->{name}}++) { print STDERR "$list:$c->{line}: duplicate name $c->{name}\n"; $errors++ } }
sub slurp { my $p = shift; open(my $f, "<", $p) or return undef; local $/; my $t = <$f>; return $t }
sub count { my ($t, $s) = @_; my ($n, $at) = (0, 0); while (($at = index($t, $s, $at)) >= 0) { $n++; $at += length $s } return $n }
if ($mode eq "check") {
    for my $c (@m) {
        my $t = slurp("$root/$c->{file}");
        if (!defined $t) { print STDERR "mutant $c->{name} ($list:$c->{line}): no file $c->{file}\n"; $errors++; next }
        my $n = count($t, $c->{from});
        if ($n != 1) { print STDERR "mutant $c->{name} ($list:$c->{line}): the original text occurs $n times in $c->{file} (must be once): $c->{from}\n"; $errors++; next }
        print "$c->{name}\t$c->{file}\t$c->{harm}\n";
    }
    exit($errors ? 1 : 0);
}
exit 1 if $errors;
my ($c) = grep { $_->{name} eq $want } @m or die "no mutant $want\n";
my $path = "$root/$c->{file}"; my $orig = "$root/.mutants/orig";
if ($mode eq "apply") {
    my $t = slurp($path) // die "no file $path\n";
    count($t, $c->{from}) == 1 or die "mutant $want: original text not found once in $c->{file}\n";
    open(my $o, ">", $orig) or die; print $o $t; close $o;
    my $at = index($t, $c->{from}); substr($t, $at, length $c->{from}) = $c->{to};
    open(my $w, ">", $path) or die; print $w $t; close $w;
} elsif ($mode eq "restore") {
    my $t = slurp($orig) // die "nothing to restore\n";
    open(my $w, ">", $path) or die; print $w $t; close $w; unlink $orig;
}
' "$list" "$@"
}

if [ "$check_only" = 1 ]; then
    names=$(mutant_tool "$here" check) || { echo "mutants.sh: the list is out of date (see above)" >&2; exit 1; }
    echo "mutants.sh: $(printf '%s\n' "$names" | grep -c .) mutants, every original text found exactly once"
    exit 0
fi

start=$(date +%s)
if [ -n "$workdir" ]; then
    work=$workdir; mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/smsconsole-mutants.XXXXXX")
    trap 'rm -rf "$work"' EXIT INT TERM
fi
tree=$work/tree
# The copy: the committed tree (or the working tree with --worktree); the build dir is
# kept between runs of one --workdir, so only what changed is rebuilt.
mkdir -p "$tree"
find "$tree" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
copied=$(git -C "$here" rev-parse --short HEAD)  # what was copied: main may move during the run
if [ "$from_worktree" = 1 ]; then
    copied="$copied + working tree"
    (cd "$here" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - ) | tar -xf - -C "$tree"
else
    git -C "$here" archive HEAD | tar -xf - -C "$tree"
fi
mkdir -p "$tree/.mutants" "$work/logs"
# The list the run uses is fixed at its start: the copy's own (it matches the copied code),
# or the one given with --list; edits to the working tree during the run change nothing.
[ "$list_given" = 1 ] || list=$tree/tests/mutants.txt
cp "$list" "$work/mutants.txt"
list=$work/mutants.txt
names=$(mutant_tool "$tree" check | cut -f1) || { echo "mutants.sh: the list is out of date (see above)" >&2; exit 1; }
[ -n "$only" ] && names=$(printf '%s\n' "$names" | grep -E -- "$only" || true)
total=$(printf '%s\n' "$names" | grep -c . || true)
[ "$total" -gt 0 ] || { echo "mutants.sh: no mutant selected" >&2; exit 1; }

build() { nice cmake --build "$tree/build" -j"$(nproc)" >"$1" 2>&1; }
# The labels in the order they run: the fast ones first, the screen tests last. lint (the
# list check) is left out: every mutant removes an original text, so it fails on all.
test_labels() {
    all=$(cd "$tree/build" && ctest --print-labels | sed -n 's/^  *//p')
    echo unit api emu $(printf '%s\n' $all | grep -vxE 'unit|api|emu|tui|lint') \
        $(printf '%s\n' $all | grep -x tui)
}

# Label by label; each stops at its first failing test, and each test program at its first
# failing case (CMOCKA_TEST_ABORT): a screen test that fails would otherwise wait out the
# deadline of every case after it.
run_tests() {
    CMOCKA_TEST_ABORT=1; export CMOCKA_TEST_ABORT
    for label in $labels; do
        (cd "$tree/build" && nice timeout "$per_mutant" ctest --no-tests=ignore -L "^$label\$" -E '^lint/' \
            --stop-on-failure -j2 --timeout "$per_mutant" --output-on-failure) >>"$1" 2>&1 && continue
        # Screen tests can time out on a loaded machine: they kill a mutant only if the
        # failed one fails again (conservative: a flaky kill is counted as a survivor).
        [ "$label" = tui ] || return 1
        echo "mutants.sh: a screen test failed; running it again" >>"$1"
        (cd "$tree/build" && nice timeout "$per_mutant" ctest --rerun-failed --timeout "$per_mutant" \
            --output-on-failure) >>"$1" 2>&1 || return 1
    done
}

echo "mutants.sh: $total mutants; building the copy in $work"
nice cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/logs/configure.log" 2>&1 ||
    { cat "$work/logs/configure.log"; exit 1; }
build "$work/logs/build.log" || { tail -40 "$work/logs/build.log"; exit 1; }
labels=$(test_labels)
if [ "$skip_baseline" = 0 ]; then
    : >"$work/logs/baseline.log"
    run_tests "$work/logs/baseline.log" ||
        { tail -60 "$work/logs/baseline.log"; echo "mutants.sh: the suite fails without mutants" >&2; exit 1; }
    echo "mutants.sh: baseline green after $(( $(date +%s) - start )) s"
fi

killed=0 survivors='' broken='' n=0
for name in $names; do
    n=$((n + 1))
    log=$work/logs/$name.log
    t0=$(date +%s)
    mutant_tool "$tree" apply "$name"
    if ! build "$log"; then
        verdict='DOES NOT BUILD'; broken="$broken $name"
    elif run_tests "$log"; then
        verdict=SURVIVED; survivors="$survivors $name"
    else
        verdict=killed; killed=$((killed + 1))
        failed=$(grep -E '^[[:space:]]*[0-9]+ - |\*\*\*(Failed|Timeout|Exception)' "$log" | head -1 | sed 's/^ *//') || true
    fi
    mutant_tool "$tree" restore "$name"
    printf '[%2d/%d] %-34s %-8s %3ds %s\n' "$n" "$total" "$name" "$verdict" $(( $(date +%s) - t0 )) \
        "$( [ "$verdict" = killed ] && echo "${failed:-}" )"
done
build "$work/logs/final.log" || true

valid=$((total - $(echo $broken | wc -w)))
score=$(( valid > 0 ? killed * 1000 / valid : 0 ))
echo
echo "mutants.sh: $killed of $valid mutants killed: $((score / 10)).$((score % 10)) %" \
     "($(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s, commit $copied)"
for s in $survivors; do
    mutant_tool "$tree" check | awk -F '\t' -v n="$s" '$1 == n { printf "  survivor %s (%s): %s\n", $1, $2, $3 }'
done
if [ -n "$broken" ]; then
    echo "mutants.sh: mutants that do not build (fix the list):$broken" >&2
    exit 1
fi
[ "$score" -ge $((min * 10)) ] || exit 2
