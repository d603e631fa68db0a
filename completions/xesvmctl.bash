# bash completion for xesvmctl(8)                          -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# The _xesvmctl_w lines mirror xesvmctl's command table
# (`xesvmctl __complete-table`): context, word, type, value kind,
# description. tests/cli checks that they agree, so add a line here when a
# command, keyword or option is added to the table.

# Keys carry a leading @ because bash refuses an empty key (the top level).
declare -gA _xesvmctl_ctx _xesvmctl_type _xesvmctl_kind

_xesvmctl_w()
{
    _xesvmctl_ctx[@$1]+=" $2"
    _xesvmctl_type[@$1|$2]=$3
    _xesvmctl_kind[@$1|$2]=$4
}

_xesvmctl_w ''             -j        option  none    'print JSON (keys documented in xesvm-json(7))'
_xesvmctl_w ''             --json    option  none    'print JSON (keys documented in xesvm-json(7))'
_xesvmctl_w ''             -p        option  none    'print indented JSON (implies --json)'
_xesvmctl_w ''             --pretty  option  none    'print indented JSON (implies --json)'
_xesvmctl_w ''             --format  option  format  'human (default), json (= -j) or prometheus (stats show only)'
_xesvmctl_w ''             -f        option  file    'read a snapshot file instead of the live system (- for stdin)'
_xesvmctl_w ''             --file    option  file    'read a snapshot file instead of the live system (- for stdin)'
_xesvmctl_w ''             -d        option  device  'select a device: card index, card/render node or PCI BDF'
_xesvmctl_w ''             --device  option  device  'select a device: card index, card/render node or PCI BDF'
_xesvmctl_w ''             -b        option  file    'run the commands in FILE (- for stdin), one per line'
_xesvmctl_w ''             --batch   option  file    'run the commands in FILE (- for stdin), one per line'
_xesvmctl_w ''             --force   option  none    'in batch mode, go on after a failing command'
_xesvmctl_w ''             --debugfs option  dir     'debugfs root to read (default $XESVM_DEBUGFS or /sys/kernel/debug)'
_xesvmctl_w ''             --proc    option  dir     'procfs root to read (default $XESVM_PROC or /proc)'
_xesvmctl_w ''             -x        option  none    'print exact numbers instead of human units'
_xesvmctl_w ''             --exact   option  none    'print exact numbers instead of human units'
_xesvmctl_w ''             -v        option  none    'say where each view came from and what could not be read'
_xesvmctl_w ''             --verbose option  none    'say where each view came from and what could not be read'
_xesvmctl_w ''             -V        option  none    'print the version'
_xesvmctl_w ''             --version option  none    'print the version'
_xesvmctl_w ''             -h        option  none    'print this help'
_xesvmctl_w ''             --help    option  none    'print this help'
_xesvmctl_w '=location'    default_device choice  none    'the device memory closest to the faulting engine'
_xesvmctl_w '=location'    system    choice  none    'system memory'
_xesvmctl_w '=location'    pagemap   choice  number  'the device memory pagemap ID'
_xesvmctl_w '=policy'      all_pages choice  none    'a GPU fault migrates every page of the range'
_xesvmctl_w '=policy'      only_system_pages choice  none    'a GPU fault migrates only pages in system memory'
_xesvmctl_w '=atomic'      undefined choice  none    'whatever the driver does by default'
_xesvmctl_w '=atomic'      device    choice  none    'atomics by the GPU'
_xesvmctl_w '=atomic'      global    choice  none    'atomics by GPU and CPU'
_xesvmctl_w '=atomic'      cpu       choice  none    'atomics by the CPU'
_xesvmctl_w '=destination' system    choice  none    'system memory'
_xesvmctl_w '=destination' pagemap   choice  number  'the device memory pagemap ID'
_xesvmctl_w ''             device    object  none    'xe DRM devices'
_xesvmctl_w ''             client    object  none    'DRM clients (processes using a device)'
_xesvmctl_w ''             vm        object  none    'GPU VMs mirroring a process (SVM)'
_xesvmctl_w ''             vma       object  none    'GPU VMAs and their memory attributes'
_xesvmctl_w ''             range     object  none    'SVM ranges (drm_gpusvm)'
_xesvmctl_w ''             pagemap   object  none    'device memory pagemaps (drm_pagemap)'
_xesvmctl_w ''             stats     object  none    'per-GT SVM statistics'
_xesvmctl_w ''             snapshot  object  none    'save a snapshot'
_xesvmctl_w ''             diff      object  file    'compare two snapshots'
_xesvmctl_w ''             explain   object  number  'explain one address of a process or VM'
_xesvmctl_w ''             monitor   object  none    'live SVM events'
_xesvmctl_w ''             madvise   object  window  'set memory attributes (live)'
_xesvmctl_w ''             migrate   object  window  'migrate SVM ranges (live)'
_xesvmctl_w ''             gc        object  none    'collect the unmapped ranges of a VM (live)'
_xesvmctl_w ''             shell     object  none    'interactive shell'
_xesvmctl_w ''             help      object  object  'help'
_xesvmctl_w 'device'       show      command none    'list xe DRM devices: PCI address, nodes, memory regions, GTs'
_xesvmctl_w 'device show'  dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'client'       show      command none    'list DRM clients (processes) of each device and their memory'
_xesvmctl_w 'client show'  dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'client show'  pid       keyword pid     'only this process'
_xesvmctl_w 'client show'  client    keyword number  'only this DRM client'
_xesvmctl_w 'vm'           show      command none    'one block per GPU VM: its VMAs and ranges by residency; detail: every range'
_xesvmctl_w 'vm show'      dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'vm show'      pid       keyword pid     'only VMs of this process'
_xesvmctl_w 'vm show'      client    keyword number  'only VMs of this DRM client'
_xesvmctl_w 'vm show'      vm        keyword number  'only this VM (handle, xe: ASID)'
_xesvmctl_w 'vm show'      addr      keyword window  'only what overlaps this address window'
_xesvmctl_w 'vm show'      detail    keyword none    'also list every range under its VMA'
_xesvmctl_w 'vma'          show      command none    'one line per GPU VMA with its memory attributes'
_xesvmctl_w 'vma show'     dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'vma show'     pid       keyword pid     'only VMs of this process'
_xesvmctl_w 'vma show'     client    keyword number  'only VMs of this DRM client'
_xesvmctl_w 'vma show'     vm        keyword number  'only this VM (handle, xe: ASID)'
_xesvmctl_w 'vma show'     addr      keyword window  'only what overlaps this address window'
_xesvmctl_w 'range'        show      command none    'one line per SVM range: bounds, residency, flags'
_xesvmctl_w 'range show'   dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'range show'   pid       keyword pid     'only VMs of this process'
_xesvmctl_w 'range show'   client    keyword number  'only VMs of this DRM client'
_xesvmctl_w 'range show'   vm        keyword number  'only this VM (handle, xe: ASID)'
_xesvmctl_w 'range show'   addr      keyword window  'only what overlaps this address window'
_xesvmctl_w 'pagemap'      show      command none    'device memory pagemaps and their migration statistics'
_xesvmctl_w 'pagemap show' dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'stats'        show      command none    'per-GT SVM statistics, grouped; --watch prints rates'
_xesvmctl_w 'stats show'   dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'stats show'   -w        option  seconds 'print rates every SECONDS until interrupted'
_xesvmctl_w 'stats show'   --watch   option  seconds 'print rates every SECONDS until interrupted'
_xesvmctl_w 'stats show'   count     keyword number  'with --watch: stop after N samples'
_xesvmctl_w 'stats show'   format    keyword format  'human, json or prometheus (like --format before the object)'
_xesvmctl_w 'stats show'   --format  option  format  'human, json or prometheus (like --format before the object)'
_xesvmctl_w 'stats'        reset     command none    'zero the per-GT statistics (needs root)'
_xesvmctl_w 'stats reset'  dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'snapshot'     -o        option  file    'write to FILE (atomically) instead of stdout'
_xesvmctl_w 'snapshot'     --output  option  file    'write to FILE (atomically) instead of stdout'
_xesvmctl_w 'snapshot'     -z        option  none    'compress with gzip'
_xesvmctl_w 'snapshot'     --gzip    option  none    'compress with gzip'
_xesvmctl_w 'snapshot'     --events  option  seconds 'also record SECONDS of live events (needs CAP_PERFMON or CAP_SYS_ADMIN)'
_xesvmctl_w 'explain'      pid       keyword pid     'the process whose address it is'
_xesvmctl_w 'explain'      vm        keyword number  'the VM (handle, xe: ASID) whose address it is'
_xesvmctl_w 'explain'      dev       keyword device  'only VMs of this device (like -d)'
_xesvmctl_w 'monitor'      fault     keyword none    'GPU page faults'
_xesvmctl_w 'monitor'      migrate   keyword none    'migrations'
_xesvmctl_w 'monitor'      invalidate keyword none    'invalidations (CPU-side changes)'
_xesvmctl_w 'monitor'      unmap     keyword none    'CPU unmaps of ranges'
_xesvmctl_w 'monitor'      gc        keyword none    'garbage collections'
_xesvmctl_w 'monitor'      madvise   keyword none    'memory attribute changes'
_xesvmctl_w 'monitor'      dev       keyword device  'only this device (like -d)'
_xesvmctl_w 'monitor'      pid       keyword pid     'only VMs of this process'
_xesvmctl_w 'monitor'      vm        keyword number  'only this VM (handle, xe: ASID)'
_xesvmctl_w 'monitor'      addr      keyword window  'only events overlapping this address window'
_xesvmctl_w 'monitor'      -n        option  number  'stop after COUNT events'
_xesvmctl_w 'monitor'      --count   option  number  'stop after COUNT events'
_xesvmctl_w 'monitor'      --duration option  seconds 'stop after SECONDS'
_xesvmctl_w 'madvise'      dev       keyword device  'the device of the VM (like -d)'
_xesvmctl_w 'madvise'      pid       keyword pid     'the VM of this process'
_xesvmctl_w 'madvise'      client    keyword number  'the VM of this DRM client'
_xesvmctl_w 'madvise'      vm        keyword number  'the VM with this handle (xe: ASID)'
_xesvmctl_w 'madvise'      preferred-location keyword location 'where the pages should live'
_xesvmctl_w 'madvise'      migration-policy keyword policy  'which pages a GPU fault migrates'
_xesvmctl_w 'madvise'      atomic    keyword atomic  'who may do atomic operations'
_xesvmctl_w 'madvise'      pat       keyword number  'page attribute table index of the GPU mapping'
_xesvmctl_w 'madvise'      --dry-run option  none    'only show the VMAs the change would leave (works on -f snapshots)'
_xesvmctl_w 'migrate'      dev       keyword device  'the device of the VM (like -d)'
_xesvmctl_w 'migrate'      pid       keyword pid     'the VM of this process'
_xesvmctl_w 'migrate'      client    keyword number  'the VM of this DRM client'
_xesvmctl_w 'migrate'      vm        keyword number  'the VM with this handle (xe: ASID)'
_xesvmctl_w 'migrate'      to        keyword destination 'where to move the pages'
_xesvmctl_w 'gc'           dev       keyword device  'the device of the VM (like -d)'
_xesvmctl_w 'gc'           pid       keyword pid     'the VM of this process'
_xesvmctl_w 'gc'           client    keyword number  'the VM of this DRM client'
_xesvmctl_w 'gc'           vm        keyword number  'the VM with this handle (xe: ASID)'

# The one candidate of context $1 that $2 abbreviates (exact match first).
_xesvmctl_expand()
{
    local c match="" n=0
    for c in ${_xesvmctl_ctx[@$1]}; do
        [[ $c == -* ]] && continue
        if [[ $c == "$2" ]]; then
            printf '%s' "$c"
            return
        fi
        if [[ $c == "$2"* ]]; then
            match=$c
            ((n++))
        fi
    done
    ((n == 1)) && printf '%s' "$match"
}

_xesvmctl_value()
{
    local cur=$2
    case $1 in
    file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
    device)
        local d devs=""
        for d in /dev/dri/card* /dev/dri/renderD*; do
            [[ -e $d ]] && devs+=" ${d#/dev/dri/} $d"
        done
        COMPREPLY=($(compgen -W "$devs" -- "$cur"))
        ;;
    pid) COMPREPLY=($(compgen -W "$(cd /proc && printf '%s ' [0-9]*)" -- "$cur")) ;;
    object) COMPREPLY=($(compgen -W "$(_xesvmctl_words '' object)" -- "$cur")) ;;
    format) COMPREPLY=($(compgen -W "human json prometheus" -- "$cur")) ;;
    # A fixed list: its words are the rows of context "=KIND".
    *) COMPREPLY=($(compgen -W "$(_xesvmctl_words "=$1" choice)" -- "$cur")) ;;
    esac
    [[ $1 == file || $1 == dir ]] && compopt -o filenames 2>/dev/null
}

# Words of context $1, of type $2 (all but commands' options when empty).
_xesvmctl_words()
{
    local w out=""
    for w in ${_xesvmctl_ctx[@$1]}; do
        [[ -z $2 || ${_xesvmctl_type[@$1|$w]} == "$2" ]] && out+=" $w"
    done
    printf '%s' "$out"
}

_xesvmctl()
{
    local cur=${COMP_WORDS[COMP_CWORD]} cword=$COMP_CWORD
    local ctx="" obj="" positional=none i w t c kind
    COMPREPLY=()

    for ((i = 1; i < cword; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $obj ]]; then
            if [[ $w == -* ]]; then
                # A global option; skip its value, or complete it.
                if [[ ${_xesvmctl_kind[@|$w]:-none} != none ]]; then
                    if ((i + 1 == cword)); then
                        _xesvmctl_value "${_xesvmctl_kind[@|$w]}" "$cur"
                        return
                    fi
                    ((i++))
                fi
                continue
            fi
            obj=$(_xesvmctl_expand "" "$w")
            [[ -z $obj ]] && return
            ctx=$obj
            positional=${_xesvmctl_kind[@|$obj]}
            continue
        fi
        if [[ $ctx == "$obj" && $w != -* && -n $(_xesvmctl_words "$obj" command) ]]; then
            w=$(_xesvmctl_expand "$obj" "$w")
            [[ -z $w ]] && return
            ctx="$obj $w"
            positional=${_xesvmctl_kind[@$obj|$w]}
            continue
        fi
        # A keyword or option of the command: skip its value, or complete it.
        t=$(_xesvmctl_expand "$ctx" "$w")
        [[ $w == -* ]] && t=$w
        kind=${_xesvmctl_kind[@$ctx|$t]:-none}
        [[ -z $t ]] && kind=none
        # Its value, and a choice's own argument ("to pagemap ID").
        while [[ $kind != none ]]; do
            if ((i + 1 == cword)); then
                _xesvmctl_value "$kind" "$cur"
                return
            fi
            ((i++))
            c=$(_xesvmctl_expand "=$kind" "${COMP_WORDS[i]}")
            [[ -n $c ]] && kind=${_xesvmctl_kind[@=$kind|$c]:-none} || kind=none
        done
    done

    local words
    if [[ -z $obj ]]; then
        if [[ $cur == -* ]]; then
            words=$(_xesvmctl_words "" option)
        else
            words=$(_xesvmctl_words "" object)
        fi
    elif [[ $ctx == "$obj" && -n $(_xesvmctl_words "$obj" command) ]]; then
        words=$(_xesvmctl_words "$obj" command)
        # Options of the default (first) command may follow the object.
        if [[ $cur == -* ]]; then
            set -- ${_xesvmctl_ctx[@$obj]}
            words=$(_xesvmctl_words "$obj $1" option)
        fi
    else
        if [[ $cur == -* ]]; then
            words=$(_xesvmctl_words "$ctx" option)
        else
            words=$(_xesvmctl_words "$ctx" keyword)
            if [[ $positional != none ]]; then
                _xesvmctl_value "$positional" "$cur"
                COMPREPLY+=($(compgen -W "$words" -- "$cur"))
                return
            fi
        fi
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _xesvmctl xesvmctl
