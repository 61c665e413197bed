# dom0lib.sh -- bash functions for the dom0 scripts that `xenlab script` runs.
#
# A dom0 script starts with
#	. /domu/tools/xenlab/dom0lib.sh
# and then drives guests with these functions and plain xl.  The script's
# current directory is /domu, which holds the tree's build/, tests/ and
# labs/; files given with `xenlab script --add` are in /domu/add/.
#
# Guests:
#   guest_start NAME KERNEL [options]   start a PV guest from an ELF kernel
#   guest_start NAME --hvm ISO [options]
#                                       start an HVM guest booting an ISO
#	options: --extra ARGS (the kernel command line, PV only),
#	--memory MB (PV 32, HVM 64), --vcpus N (1), --cfg 'xl line' (any
#	further line of the xl config, repeatable).
#   guest_wait NAME [TIMEOUT]           wait until the guest has shut down
#                                       (then destroy it); 0 when it did,
#                                       2 when it crashed, 124 on timeout
#   guest_run NAME ... [--timeout S]    guest_start, show its console while
#                                       it runs, guest_wait
#   guest_follow NAME / guest_unfollow NAME
#                                       copy the guest's console log to our
#                                       output while it grows
#   guest_log NAME                      path of its console log
#   guest_serial_log NAME               path of an HVM guest's serial log
#   guest_domid NAME, guest_state NAME, guest_destroy NAME
#   guest_result NAME                   the guest's "domu: result:" line;
#                                       0 SUCCESS, 3 SKIP, 1 otherwise
# Checks made in dom0:
#   report NAME PASS|FAIL|SKIP DETAIL   prints "domu: NAME: PASS DETAIL"
#   wait_for TIMEOUT COMMAND...         poll COMMAND until it succeeds
#   xenlab_remaining                    seconds left before the run's limit
#
# What the guests leave: every log under /var/log/xen (guest-NAME.log from
# xenconsoled, NAME-serial.log, qemu-dm-NAME.log, xl-NAME.log, NAME.cfg)
# goes back to the host in build/xenlab/<run>/.  Files the script writes to
# $XENLAB_OUT go back to build/xenlab/<run>/files/.
#
# Guests are configured with on_poweroff and on_crash "preserve": a guest
# that powers off stays (shut down) until guest_wait has seen its console
# log stop growing, so that xenconsoled has copied the last of its console
# ring; a crashed guest stays so that guest_wait can print its registers
# (xenctx) before destroying it.

DOM0LIB_LOGDIR=/var/log/xen

dom0lib_say()
{
	echo "dom0lib: $*" >&2
}

# now_ms: milliseconds since boot.
now_ms()
{
	local u
	read -r u _ </proc/uptime
	echo $((${u%.*} * 1000 + 10#${u#*.} * 10))
}

# wait_for TIMEOUT COMMAND...: run COMMAND every 0.1 s until it succeeds;
# 1 when TIMEOUT seconds pass first.
wait_for()
{
	local limit=$(($1 * 1000)) start
	shift
	start=$(now_ms)
	until "$@" >/dev/null 2>&1; do
		[ $(($(now_ms) - start)) -lt "$limit" ] || return 1
		sleep 0.1
	done
}

# xenlab_remaining: whole seconds until the run's script is stopped (the
# host's deadline less the margin /init keeps for handing back logs).
xenlab_remaining()
{
	local left=$((${XENLAB_DEADLINE:-0} - 10 - $(date +%s)))
	if [ "$left" -le 0 ] || [ "$left" -gt "${XENLAB_TIMEOUT:-300}" ]; then
		left=${XENLAB_TIMEOUT:-300}
	fi
	echo "$left"
}

report()
{
	local name=$1 verdict=$2
	shift 2
	echo "domu: $name: $verdict $*"
}

guest_log()
{
	echo "$DOM0LIB_LOGDIR/guest-$1.log"
}

guest_serial_log()
{
	echo "$DOM0LIB_LOGDIR/$1-serial.log"
}

guest_domid()
{
	xl domid "$1" 2>/dev/null
}

# guest_state NAME: xl's state flags (r b p s c d, "-" where unset), or
# nothing when there is no such domain.
guest_state()
{
	xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

guest_destroy()
{
	xl destroy "$1" 2>/dev/null || true
}

# guest_start NAME [KERNEL] [--hvm ISO] [--extra ARGS] [--memory MB]
#     [--vcpus N] [--disk SPEC]... [--cfg LINE]...
# Write /var/log/xen/NAME.cfg and create the domain.  Each --disk SPEC is
# one entry of xl.cfg's disk list (xl-disk-configuration(5)); an HVM
# guest's list starts with its boot CD, so use --disk, not a --cfg
# 'disk = ...' line, to give an HVM guest disks.  A previous console
# log of the same name is removed first.
guest_start()
{
	local name=$1 kernel='' hvm='' extra='' memory='' vcpus=1
	local cfg t0 line domid f
	local -a lines=() disks=()
	shift
	case ${1:-} in
	--*|'') ;;
	*) kernel=$1; shift ;;
	esac
	while [ $# -gt 0 ]; do
		case $1 in
		--hvm) hvm=$2; shift 2 ;;
		--extra) extra=$2; shift 2 ;;
		--memory) memory=$2; shift 2 ;;
		--vcpus) vcpus=$2; shift 2 ;;
		--disk) disks+=("\"$2\""); shift 2 ;;
		--cfg) lines+=("$2"); shift 2 ;;
		*) dom0lib_say "guest_start: unknown option $1"; return 2 ;;
		esac
	done
	if [ -z "$kernel" ] && [ -z "$hvm" ]; then
		dom0lib_say "guest_start $name: give a KERNEL or --hvm ISO"
		return 1
	fi
	# An HVM domain has no extra=: the command line is in the ISO
	# (tools/mkiso on the host), so refuse rather than drop it.
	if [ -n "$hvm" ] && [ -n "$extra" ]; then
		dom0lib_say "guest_start $name: --extra does not reach an HVM guest; put the command line in the ISO (tools/mkiso)"
		return 1
	fi
	for f in $kernel $hvm; do
		if [ ! -f "$f" ]; then
			dom0lib_say "guest_start $name: no file $f in dom0 (is it under build/, tests/ or given with --add?)"
			return 1
		fi
	done
	cfg=$DOM0LIB_LOGDIR/$name.cfg
	{
		echo "name = \"$name\""
		if [ -n "$hvm" ]; then
			echo 'type = "hvm"'
			echo "memory = ${memory:-64}"
			disks=("\"file:$hvm,hdc:cdrom,r\"" "${disks[@]+"${disks[@]}"}")
			echo 'boot = "d"'
			echo "serial = \"file:$(guest_serial_log "$name")\""
			echo 'vnc = 0'
			echo 'sdl = 0'
		else
			echo 'type = "pv"'
			echo "kernel = \"$kernel\""
			echo "memory = ${memory:-32}"
			[ -z "$extra" ] || echo "extra = \"$extra\""
		fi
		if [ ${#disks[@]} -gt 0 ]; then
			echo "disk = [ $(IFS=,; echo "${disks[*]}") ]"
		fi
		echo "vcpus = $vcpus"
		echo 'on_poweroff = "preserve"'
		echo 'on_crash = "preserve"'
		for line in "${lines[@]+"${lines[@]}"}"; do
			echo "$line"
		done
	} >"$cfg"
	rm -f "$(guest_log "$name")" "$(guest_serial_log "$name")"
	t0=$(now_ms)
	if ! xl create -q -p "$cfg"; then
		dom0lib_say "guest_start $name: xl create failed; config:"
		sed 's/^/    /' "$cfg" >&2
		return 1
	fi
	# The domain is created paused.  xenconsoled copies a PV console ring
	# only when the guest signals its event channel, and binds that channel
	# some time after xl has set the console up: a guest unpaused at once
	# can write everything and power off before xenconsoled listens, and
	# its output is never copied.  xenconsoled creates the log file right
	# after binding, so wait for the file.  (An HVM guest's console is its
	# emulated serial port, which needs no such wait.)
	if [ -z "$hvm" ] && ! wait_for 10 test -e "$(guest_log "$name")"; then
		dom0lib_say "guest_start $name: xenconsoled has not connected after 10 s; starting anyway"
	fi
	domid=$(guest_domid "$name")
	xl unpause "$name"
	dom0lib_say "started $name (domain $domid) in $(($(now_ms) - t0)) ms"
}

# file_size FILE: its size in bytes, 0 when missing.
file_size()
{
	stat -c %s "$1" 2>/dev/null || echo 0
}

# logs_quiet NAME: wait (at most 2 s) until the guest's logs have not
# grown for 0.2 s: xenconsoled copies the console ring after the guest
# wrote it, and may not yet have when the guest has shut down.
logs_quiet()
{
	local name=$1 a b n=0
	b="$(file_size "$(guest_log "$name")") $(file_size "$(guest_serial_log "$name")")"
	while [ "$n" -lt 10 ]; do
		sleep 0.2
		a=$b
		b="$(file_size "$(guest_log "$name")") $(file_size "$(guest_serial_log "$name")")"
		[ "$a" != "$b" ] || return 0
		n=$((n + 1))
	done
}

# guest_wait NAME [TIMEOUT]: wait until the guest has shut down or crashed
# (checking at each domain event, and at least every second), then destroy
# it.  TIMEOUT defaults to the time
# left in the run.  Returns 0 when it shut down (or was already gone),
# 2 when it crashed (its vCPU 0 registers and stack are printed and saved in
# NAME-crash.txt), 124 on timeout (it is destroyed).
guest_wait()
{
	local name=$1 limit=${2:-$(xenlab_remaining)} start state domid
	start=$(now_ms)
	while :; do
		state=$(guest_state "$name")
		case $state in
		'')
			return 0
			;;
		*c*)
			domid=$(guest_domid "$name")
			dom0lib_say "$name (domain $domid) crashed; vCPU 0:"
			xenctx -a "$domid" 0 2>&1 |
			    tee "$DOM0LIB_LOGDIR/$name-crash.txt" >&2 || true
			logs_quiet "$name"
			guest_destroy "$name"
			return 2
			;;
		*s*)
			logs_quiet "$name"
			guest_destroy "$name"
			return 0
			;;
		esac
		if [ $(($(now_ms) - start)) -ge $((limit * 1000)) ]; then
			dom0lib_say "$name still running after $limit s (state $state); destroying it"
			guest_destroy "$name"
			return 124
		fi
		wait_domain_event
	done
}

# wait_domain_event: sleep until some domain changes state, or 1 s.
# xenstored fires the @releaseDomain watch when a domain shuts down or dies;
# a watch also fires once when it is set, hence "-n 2".  Waiting on it
# rather than polling xl keeps dom0's one vCPU free for the back ends and
# device models the guests use.
wait_domain_event()
{
	timeout 1 xenstore-watch -n 2 @releaseDomain >/dev/null 2>&1 || true
}

declare -A DOM0LIB_FOLLOWERS=()

# guest_follow NAME: show the guest's console log (and its serial log,
# for HVM) on our output while it grows, until guest_unfollow NAME.
# tail -F waits for the files to appear and is woken by inotify; it exits
# after a last read once the "lifeline" process given as --pid is gone,
# which is how guest_unfollow stops it without losing the end of the log.
guest_follow()
{
	local name=$1 lifeline
	sleep 86400 &
	lifeline=$!
	tail -q -n +1 -s 0.2 -F --pid="$lifeline" "$(guest_log "$name")" \
	    "$(guest_serial_log "$name")" 2>/dev/null &
	DOM0LIB_FOLLOWERS[$name]="$lifeline $!"
}

guest_unfollow()
{
	local name=$1 lifeline tail
	read -r lifeline tail <<<"${DOM0LIB_FOLLOWERS[$name]:-}"
	[ -n "${tail:-}" ] || return 0
	kill "$lifeline" 2>/dev/null
	wait "$lifeline" 2>/dev/null
	wait "$tail" 2>/dev/null
	unset "DOM0LIB_FOLLOWERS[$name]"
	return 0
}

# guest_run NAME [KERNEL] [guest_start options] [--timeout SECONDS]
# Start the guest, show its console while it runs, wait for it; returns
# what guest_wait returns, or 1 when the guest could not be started.
guest_run()
{
	local name=$1 limit='' rc=0
	local -a args=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) limit=$2; shift 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	guest_start "$name" "${args[@]}" || return
	guest_follow "$name"
	guest_wait "$name" ${limit:+"$limit"} || rc=$?
	guest_unfollow "$name"
	return "$rc"
}

# guest_result NAME: print the guest's result line (from its console log,
# or for HVM its serial log); 0 for SUCCESS, 3 for SKIP, 1 otherwise.
guest_result()
{
	local name=$1 line
	line=$(cat "$(guest_log "$name")" "$(guest_serial_log "$name")" \
	    2>/dev/null | tr -d '\r' | grep -a '^domu: result: ' | tail -n 1)
	echo "${line:-domu: result: (none from $name)}"
	case $line in
	'domu: result: SUCCESS'*) return 0 ;;
	'domu: result: SKIP'*) return 3 ;;
	*) return 1 ;;
	esac
}
