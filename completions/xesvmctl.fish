# fish completion for xesvmctl(8)
# SPDX-License-Identifier: MIT
#
# The __xesvmctl_w lines mirror xesvmctl's command table
# (`xesvmctl __complete-table`): context, word, type, value kind,
# description. tests/cli checks that they agree, so add a line here when a
# command, keyword or option is added to the table.

set -g __xesvmctl_rows
function __xesvmctl_w --argument-names ctx word type kind desc
    set -ga __xesvmctl_rows "$ctx"\t"$word"\t"$type"\t"$kind"\t"$desc"
end

__xesvmctl_w ''             -j        option  none    'print JSON (keys documented in xesvm-json(7))'
__xesvmctl_w ''             --json    option  none    'print JSON (keys documented in xesvm-json(7))'
__xesvmctl_w ''             -p        option  none    'print indented JSON (implies --json)'
__xesvmctl_w ''             --pretty  option  none    'print indented JSON (implies --json)'
__xesvmctl_w ''             --format  option  format  'human (default), json (= -j) or prometheus (stats show only)'
__xesvmctl_w ''             -f        option  file    'read a snapshot file instead of the live system (- for stdin)'
__xesvmctl_w ''             --file    option  file    'read a snapshot file instead of the live system (- for stdin)'
__xesvmctl_w ''             -d        option  device  'select a device: card index, card/render node or PCI BDF'
__xesvmctl_w ''             --device  option  device  'select a device: card index, card/render node or PCI BDF'
__xesvmctl_w ''             -b        option  file    'run the commands in FILE (- for stdin), one per line'
__xesvmctl_w ''             --batch   option  file    'run the commands in FILE (- for stdin), one per line'
__xesvmctl_w ''             --force   option  none    'in batch mode, go on after a failing command'
__xesvmctl_w ''             --debugfs option  dir     'debugfs root to read (default $XESVM_DEBUGFS or /sys/kernel/debug)'
__xesvmctl_w ''             --proc    option  dir     'procfs root to read (default $XESVM_PROC or /proc)'
__xesvmctl_w ''             -x        option  none    'print exact numbers instead of human units'
__xesvmctl_w ''             --exact   option  none    'print exact numbers instead of human units'
__xesvmctl_w ''             -v        option  none    'say where each view came from and what could not be read'
__xesvmctl_w ''             --verbose option  none    'say where each view came from and what could not be read'
__xesvmctl_w ''             -V        option  none    'print the version'
__xesvmctl_w ''             --version option  none    'print the version'
__xesvmctl_w ''             -h        option  none    'print this help'
__xesvmctl_w ''             --help    option  none    'print this help'
__xesvmctl_w '=location'    default_device choice  none    'the device memory closest to the faulting engine'
__xesvmctl_w '=location'    system    choice  none    'system memory'
__xesvmctl_w '=location'    pagemap   choice  number  'the device memory pagemap ID'
__xesvmctl_w '=policy'      all_pages choice  none    'a GPU fault migrates every page of the range'
__xesvmctl_w '=policy'      only_system_pages choice  none    'a GPU fault migrates only pages in system memory'
__xesvmctl_w '=atomic'      undefined choice  none    'whatever the driver does by default'
__xesvmctl_w '=atomic'      device    choice  none    'atomics by the GPU'
__xesvmctl_w '=atomic'      global    choice  none    'atomics by GPU and CPU'
__xesvmctl_w '=atomic'      cpu       choice  none    'atomics by the CPU'
__xesvmctl_w '=destination' system    choice  none    'system memory'
__xesvmctl_w '=destination' pagemap   choice  number  'the device memory pagemap ID'
__xesvmctl_w ''             device    object  none    'xe DRM devices'
__xesvmctl_w ''             client    object  none    'DRM clients (processes using a device)'
__xesvmctl_w ''             vm        object  none    'GPU VMs mirroring a process (SVM)'
__xesvmctl_w ''             vma       object  none    'GPU VMAs and their memory attributes'
__xesvmctl_w ''             range     object  none    'SVM ranges (drm_gpusvm)'
__xesvmctl_w ''             pagemap   object  none    'device memory pagemaps (drm_pagemap)'
__xesvmctl_w ''             stats     object  none    'per-GT SVM statistics'
__xesvmctl_w ''             snapshot  object  none    'save a snapshot'
__xesvmctl_w ''             diff      object  file    'compare two snapshots'
__xesvmctl_w ''             explain   object  number  'explain one address of a process or VM'
__xesvmctl_w ''             monitor   object  none    'live SVM events'
__xesvmctl_w ''             madvise   object  window  'set memory attributes (live)'
__xesvmctl_w ''             migrate   object  window  'migrate SVM ranges (live)'
__xesvmctl_w ''             gc        object  none    'collect the unmapped ranges of a VM (live)'
__xesvmctl_w ''             shell     object  none    'interactive shell'
__xesvmctl_w ''             help      object  object  'help'
__xesvmctl_w 'device'       show      command none    'list xe DRM devices: PCI address, nodes, memory regions, GTs'
__xesvmctl_w 'device show'  dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'client'       show      command none    'list DRM clients (processes) of each device and their memory'
__xesvmctl_w 'client show'  dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'client show'  pid       keyword pid     'only this process'
__xesvmctl_w 'client show'  client    keyword number  'only this DRM client'
__xesvmctl_w 'vm'           show      command none    'one block per GPU VM: its VMAs and ranges by residency; detail: every range'
__xesvmctl_w 'vm show'      dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'vm show'      pid       keyword pid     'only VMs of this process'
__xesvmctl_w 'vm show'      client    keyword number  'only VMs of this DRM client'
__xesvmctl_w 'vm show'      vm        keyword number  'only this VM (handle, xe: ASID)'
__xesvmctl_w 'vm show'      addr      keyword window  'only what overlaps this address window'
__xesvmctl_w 'vm show'      detail    keyword none    'also list every range under its VMA'
__xesvmctl_w 'vma'          show      command none    'one line per GPU VMA with its memory attributes'
__xesvmctl_w 'vma show'     dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'vma show'     pid       keyword pid     'only VMs of this process'
__xesvmctl_w 'vma show'     client    keyword number  'only VMs of this DRM client'
__xesvmctl_w 'vma show'     vm        keyword number  'only this VM (handle, xe: ASID)'
__xesvmctl_w 'vma show'     addr      keyword window  'only what overlaps this address window'
__xesvmctl_w 'range'        show      command none    'one line per SVM range: bounds, residency, flags'
__xesvmctl_w 'range show'   dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'range show'   pid       keyword pid     'only VMs of this process'
__xesvmctl_w 'range show'   client    keyword number  'only VMs of this DRM client'
__xesvmctl_w 'range show'   vm        keyword number  'only this VM (handle, xe: ASID)'
__xesvmctl_w 'range show'   addr      keyword window  'only what overlaps this address window'
__xesvmctl_w 'pagemap'      show      command none    'device memory pagemaps and their migration statistics'
__xesvmctl_w 'pagemap show' dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'stats'        show      command none    'per-GT SVM statistics, grouped; --watch prints rates'
__xesvmctl_w 'stats show'   dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'stats show'   -w        option  seconds 'print rates every SECONDS until interrupted'
__xesvmctl_w 'stats show'   --watch   option  seconds 'print rates every SECONDS until interrupted'
__xesvmctl_w 'stats show'   count     keyword number  'with --watch: stop after N samples'
__xesvmctl_w 'stats show'   format    keyword format  'human, json or prometheus (like --format before the object)'
__xesvmctl_w 'stats show'   --format  option  format  'human, json or prometheus (like --format before the object)'
__xesvmctl_w 'stats'        reset     command none    'zero the per-GT statistics (needs root)'
__xesvmctl_w 'stats reset'  dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'snapshot'     -o        option  file    'write to FILE (atomically) instead of stdout'
__xesvmctl_w 'snapshot'     --output  option  file    'write to FILE (atomically) instead of stdout'
__xesvmctl_w 'snapshot'     -z        option  none    'compress with gzip'
__xesvmctl_w 'snapshot'     --gzip    option  none    'compress with gzip'
__xesvmctl_w 'snapshot'     --events  option  seconds 'also record SECONDS of live events (needs CAP_PERFMON or CAP_SYS_ADMIN)'
__xesvmctl_w 'explain'      pid       keyword pid     'the process whose address it is'
__xesvmctl_w 'explain'      vm        keyword number  'the VM (handle, xe: ASID) whose address it is'
__xesvmctl_w 'explain'      dev       keyword device  'only VMs of this device (like -d)'
__xesvmctl_w 'monitor'      fault     keyword none    'GPU page faults'
__xesvmctl_w 'monitor'      migrate   keyword none    'migrations'
__xesvmctl_w 'monitor'      invalidate keyword none    'invalidations (CPU-side changes)'
__xesvmctl_w 'monitor'      unmap     keyword none    'CPU unmaps of ranges'
__xesvmctl_w 'monitor'      gc        keyword none    'garbage collections'
__xesvmctl_w 'monitor'      madvise   keyword none    'memory attribute changes'
__xesvmctl_w 'monitor'      dev       keyword device  'only this device (like -d)'
__xesvmctl_w 'monitor'      pid       keyword pid     'only VMs of this process'
__xesvmctl_w 'monitor'      vm        keyword number  'only this VM (handle, xe: ASID)'
__xesvmctl_w 'monitor'      addr      keyword window  'only events overlapping this address window'
__xesvmctl_w 'monitor'      -n        option  number  'stop after COUNT events'
__xesvmctl_w 'monitor'      --count   option  number  'stop after COUNT events'
__xesvmctl_w 'monitor'      --duration option  seconds 'stop after SECONDS'
__xesvmctl_w 'madvise'      dev       keyword device  'the device of the VM (like -d)'
__xesvmctl_w 'madvise'      pid       keyword pid     'the VM of this process'
__xesvmctl_w 'madvise'      client    keyword number  'the VM of this DRM client'
__xesvmctl_w 'madvise'      vm        keyword number  'the VM with this handle (xe: ASID)'
__xesvmctl_w 'madvise'      preferred-location keyword location 'where the pages should live'
__xesvmctl_w 'madvise'      migration-policy keyword policy  'which pages a GPU fault migrates'
__xesvmctl_w 'madvise'      atomic    keyword atomic  'who may do atomic operations'
__xesvmctl_w 'madvise'      pat       keyword number  'page attribute table index of the GPU mapping'
__xesvmctl_w 'madvise'      --dry-run option  none    'only show the VMAs the change would leave (works on -f snapshots)'
__xesvmctl_w 'migrate'      dev       keyword device  'the device of the VM (like -d)'
__xesvmctl_w 'migrate'      pid       keyword pid     'the VM of this process'
__xesvmctl_w 'migrate'      client    keyword number  'the VM of this DRM client'
__xesvmctl_w 'migrate'      vm        keyword number  'the VM with this handle (xe: ASID)'
__xesvmctl_w 'migrate'      to        keyword destination 'where to move the pages'
__xesvmctl_w 'gc'           dev       keyword device  'the device of the VM (like -d)'
__xesvmctl_w 'gc'           pid       keyword pid     'the VM of this process'
__xesvmctl_w 'gc'           client    keyword number  'the VM of this DRM client'
__xesvmctl_w 'gc'           vm        keyword number  'the VM with this handle (xe: ASID)'

# Rows of context $ctx, one per line, fields tab-separated.
function __xesvmctl_rows_of --argument-names ctx
    for r in $__xesvmctl_rows
        set -l f (string split \t -- $r)
        test "$f[1]" = "$ctx"; and echo $r
    end
end

# The one word of $ctx (not an option) that $word abbreviates.
function __xesvmctl_expand --argument-names ctx word
    set -l match
    set -l n 0
    for r in (__xesvmctl_rows_of $ctx)
        set -l f (string split \t -- $r)
        string match -q -- '-*' $f[2]; and continue
        if test "$f[2]" = "$word"
            echo $f[2]
            return 0
        end
        if string match -q -- "$word*" $f[2]
            set match $f[2]
            set n (math $n + 1)
        end
    end
    test $n -eq 1; and echo $match
end

function __xesvmctl_kind --argument-names ctx word
    for r in (__xesvmctl_rows_of $ctx)
        set -l f (string split \t -- $r)
        if test "$f[2]" = "$word"
            echo $f[4]
            return
        end
    end
    echo none
end

function __xesvmctl_offer --argument-names ctx type
    for r in (__xesvmctl_rows_of $ctx)
        set -l f (string split \t -- $r)
        test "$f[3]" = "$type"; and printf '%s\t%s\n' $f[2] $f[5]
    end
end

function __xesvmctl_value --argument-names kind
    switch $kind
        case file
            __fish_complete_path (commandline -ct)
        case dir
            __fish_complete_directories (commandline -ct)
        case device
            for d in /dev/dri/card* /dev/dri/renderD*
                basename $d
                echo $d
            end
        case pid
            __fish_complete_pids
        case object
            __xesvmctl_offer '' object
        case format
            printf '%s\n' human json prometheus
        case '*'
            # A fixed list: its words are the rows of context "=KIND".
            __xesvmctl_offer "=$kind" choice
    end
end

function __xesvmctl_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -e tokens[1]
    set -l obj ''
    set -l ctx ''
    set -l positional none
    set -l n (count $tokens)
    set -l i 1
    while test $i -le $n
        set -l w $tokens[$i]
        set i (math $i + 1)
        if test -z "$obj"
            if string match -q -- '-*' $w
                set -l k (__xesvmctl_kind '' $w)
                if test $k != none
                    if test $i -gt $n
                        __xesvmctl_value $k
                        return
                    end
                    set i (math $i + 1)
                end
                continue
            end
            set obj (__xesvmctl_expand '' $w)
            test -z "$obj"; and return
            set ctx $obj
            set positional (__xesvmctl_kind '' $obj)
            continue
        end
        set -l cmds (__xesvmctl_offer $obj command)
        if test "$ctx" = "$obj"; and test (count $cmds) -gt 0; and not string match -q -- '-*' $w
            set -l c (__xesvmctl_expand $obj $w)
            test -z "$c"; and return
            set ctx "$obj $c"
            set positional (__xesvmctl_kind $obj $c)
            continue
        end
        set -l t $w
        if not string match -q -- '-*' $w
            set -l e (__xesvmctl_expand $ctx $w)
            test -n "$e"; and set t $e
        end
        set -l k (__xesvmctl_kind $ctx $t)
        # Its value, and a choice's own argument ("to pagemap ID").
        while test $k != none
            if test $i -gt $n
                __xesvmctl_value $k
                return
            end
            set -l c (__xesvmctl_expand "=$k" $tokens[$i])
            set i (math $i + 1)
            if test -n "$c"
                set k (__xesvmctl_kind "=$k" $c)
            else
                set k none
            end
        end
    end

    if test -z "$obj"
        if string match -q -- '-*' $cur
            __xesvmctl_offer '' option
        else
            __xesvmctl_offer '' object
        end
        return
    end
    set -l cmds (__xesvmctl_offer $obj command)
    if test "$ctx" = "$obj"; and test (count $cmds) -gt 0
        if string match -q -- '-*' $cur
            # Options of the default (first) command may follow the object.
            set -l first (string split \t -- $cmds[1])
            __xesvmctl_offer "$obj $first[1]" option
        else
            __xesvmctl_offer $obj command
        end
    else if string match -q -- '-*' $cur
        __xesvmctl_offer $ctx option
    else
        __xesvmctl_offer $ctx keyword
        test $positional != none; and __xesvmctl_value $positional
    end
end

complete -c xesvmctl -f -a '(__xesvmctl_complete)'
