#!/usr/bin/env python3
# Writes the seed corpus of fuzz-netlink (tests/fuzz/corpus/netlink): netlink
# datagrams as the drm-svm family sends them (drivers/gpu/drm/drm_svm.c),
# with family id 0x1c as in fuzz_netlink.c. Attribute numbers follow
# include/uapi/drm/drm_svm.h. Run from anywhere; overwrites the seeds.
import os
import struct

FAMILY = 0x1c
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x2, 0x10, 0x100, 0x200
CMD = dict(dev_get=1, vm_get=2, range_get=3, mem_attr_get=4, pagemap_get=5,
           mem_attr_set=6, migrate=7, gc=8, event_ntf=9)


def align(n):
    return (n + 3) & ~3


def attr(t, payload):
    data = struct.pack('=HH', 4 + len(payload), t) + payload
    return data + b'\0' * (align(len(data)) - len(data))


def u8(t, v): return attr(t, struct.pack('=B', v))
def u16(t, v): return attr(t, struct.pack('=H', v))
def u32(t, v): return attr(t, struct.pack('=I', v))
def s32(t, v): return attr(t, struct.pack('=i', v))
def u64(t, v): return attr(t, struct.pack('=Q', v))
def uint(t, v): return u32(t, v) if v < 1 << 32 else u64(t, v)  # as nla_put_uint()
def string(t, s): return attr(t, s.encode() + b'\0')
def nest(t, *attrs): return attr(t, b''.join(attrs))


def msg(mtype, flags, payload, seq=1):
    return struct.pack('=IHHII', 16 + len(payload), mtype, flags, seq, 0) + payload + \
        b'\0' * (align(len(payload)) - len(payload))


def genl(cmd, *attrs, flags=NLM_F_MULTI):
    return msg(FAMILY, flags, struct.pack('=BBH', CMD[cmd], 1, 0) + b''.join(attrs))


def done(error=0, text=None, flags=NLM_F_MULTI):
    payload = struct.pack('=i', error)
    if text is not None:
        payload += string(1, text)
        flags |= NLM_F_ACK_TLVS
    return msg(NLMSG_DONE, flags, payload)


def error(err, text=None, offs=None, miss=None):
    # capped: struct nlmsgerr = error + the request's header
    req = struct.pack('=IHHII', 40, FAMILY, 0x301, 1, 0)
    payload = struct.pack('=i', err) + req
    flags = NLM_F_CAPPED
    tlvs = b''
    if text is not None:
        tlvs += string(1, text)
    if offs is not None:
        tlvs += u32(2, offs)
    if miss is not None:
        tlvs += u32(5, miss)
    if tlvs:
        flags |= NLM_F_ACK_TLVS
    return msg(NLMSG_ERROR, flags, payload + tlvs)


# range-flags bits a page set may have: unmapped, devmem, dma-mapped.
PAGES_FLAGS = 0x2 | 0x8 | 0x10


def pages(minor=0, flags=0, pagemap=None):
    """One pages nest (range-pages): an attribute left out when None."""
    a = [] if minor is None else [u32(1, minor)]
    a.append(u32(2, flags))
    if pagemap is not None:
        a.append(u32(3, pagemap))
    return nest(9, *a)


def xe_range(present, invalidated):
    """xe's nest of a range (xe-range): its tile masks."""
    return nest(10, u32(1, present), u32(2, invalidated))


def rng(start, end, flags, pagemap=None, dev=1, vm=3, intr=False, page_sets=None, count=None,
        xe=None):
    """A range-get reply; by default with one page set, of minor 0, and no
    xe nest (as vsvm sends it; xe adds @xe, an xe_range())."""
    if page_sets is None:
        page_sets = [pages(0, flags & PAGES_FLAGS, pagemap)]
    a = [u32(1, dev), uint(2, vm), uint(3, start), uint(4, end), uint(5, start & ~0x1fffff),
         uint(6, (start & ~0x1fffff) + 0x20000000), u32(7, flags),
         u32(8, len(page_sets) if count is None else count)]
    if xe is not None:
        a.append(xe)
    return genl('range_get', *(a + page_sets),
                flags=NLM_F_MULTI | (NLM_F_DUMP_INTR if intr else 0))


def xe_mem_attr(atomic=0, pat=0, purge=None):
    """xe's nest of a region (xe-mem-attr); purgeable left out when None."""
    a = [u32(1, atomic), u16(2, pat)]
    if purge is not None:
        a.append(u32(3, purge))
    return nest(9, *a)


def mem_attr(start, end, kind=0, loc=0, pagemap=None, policy=0, atomic=0, pat=0, purge=0, vm=3,
             xe=True):
    """A mem-attr-get reply; with xe's nest unless @xe is False (a provider
    without xe's attributes), or @xe itself when it is a nest."""
    a = [u32(1, 1), uint(2, vm), uint(3, start), uint(4, end), u32(5, kind), u32(6, loc)]
    if pagemap is not None:
        a.append(u32(7, pagemap))
    a.append(u32(8, policy))
    if xe is True:
        a.append(xe_mem_attr(atomic, pat, purge))
    elif xe:
        a.append(xe)
    return genl('mem_attr_get', *a)


def before(t, loc=1, pat=3):
    """A mem-attr-values nest: the attributes a window had before a reset
    (xe's in its nest, unless @pat is None)."""
    a = [u32(5, 0), u32(6, loc), u32(8, 0)]
    if pat is not None:
        a.append(xe_mem_attr(2, pat))
    return nest(t, *a)


def reset(start, end, split, pat=3):
    """An attr-resets nest of a vm-get reply."""
    return nest(13, uint(1, start), uint(2, end), uint(3, 5000000000), u8(4, split),
                before(5, pat=pat))


def vm(dev, vm_id, pid, comm, resets=(), handle=None):
    """A vm-get reply; driver-handle only when the driver has one (@handle)."""
    a = [u32(1, dev), uint(2, vm_id), uint(3, 40 + vm_id), u32(4, pid),
         string(5, comm), uint(6, 7), uint(7, 0), uint(8, 1 << 47), uint(9, 2),
         uint(10, 28), uint(11, 1), uint(12, 9), *resets]
    if handle is not None:
        a.append(u32(14, handle))
    return genl('vm_get', *a)


def stats(t, base):
    return nest(t, *[uint(i, base + i) for i in range(1, 8)])


def pagemap(dev, pid):
    return genl('pagemap_get', u32(1, dev), u32(2, pid), uint(3, 1 << 36),
                nest(4, u8(1, 1), stats(2, 100), stats(3, 200), uint(4, 31), uint(5, 32),
                     uint(6, 33), uint(7, 34)))


def event(etype, **kw):
    a = [u32(1, etype), u32(2, kw.get('dev', 1)), uint(3, kw.get('vm', 3)), u32(4, 4242),
         uint(5, 1823345512000), uint(6, 0x200000), uint(7, 0x400000)]
    if etype in (0, 1, 5):
        a.append(u32(8, 1))
    if etype == 1:
        a += [u32(9, kw.get('direction', 0)), u32(10, kw.get('trigger', 3))]
    if etype in (0, 1):
        a.append(uint(11, 512))
    if etype == 4:
        a.append(uint(13, 2))
    if etype == 6:
        a += [u8(15, 1), before(16)]
    a.append(s32(12, kw.get('result', 0)))
    # seq, a uint: 4 bytes, or 8 past 32 bits (Linux 7.3 with the series).
    if 'seq' in kw:
        a.append(uint(14, kw['seq']))
    return genl('event_ntf', *a, flags=0)


seeds = {
    'range-dump': rng(0x200000, 0x400000, 0x19, pagemap=1) +
                  rng(0x400000, 0x600000, 0x30) + done(),
    'range-every-flag': b''.join(rng(0x200000 * (i + 1), 0x200000 * (i + 2), 1 << i)
                                 for i in range(6)) + done(),
    'range-intr': rng(0x200000, 0x400000, 0x10) + rng(0x400000, 0x600000, 0x10, intr=True) +
                  done(flags=NLM_F_MULTI | NLM_F_DUMP_INTR),
    'range-vm-gone': rng(0x200000, 0x400000, 0x10) + done(-2, 'no such VM'),
    # Since Linux 7.3: a range several devices map, one with no page set,
    # more page sets than the kernel describes, one too many described.
    'range-page-sets': rng(0x200000, 0x400000, 0x1b, page_sets=[
                           pages(0, 0x10, None), pages(1, 0x18, 9),
                           pages(130, 0x2, None), pages(None, 0, None)],
                           count=6) +
                       rng(0x400000, 0x600000, 0x1, page_sets=[]) + done(),
    'range-five-sets': rng(0x200000, 0x400000, 0x10,
                           page_sets=[pages(i, 0x10) for i in range(5)]) + done(),
    'mem-attr-dump': mem_attr(0x1000, 0x200000) +
                     mem_attr(0x200000, 0x400000, 3, 2, 1, 1, 2, 3, 2) + done(),
    # xe's attributes in their nest: a provider without them sends none,
    # purgeable only for a buffer object; nests that are not right.
    'mem-attr-xe-nest': mem_attr(0x1000, 0x200000, xe=False) +
                        mem_attr(0x200000, 0x400000, 1, xe=xe_mem_attr(3, 7)) +
                        mem_attr(0x400000, 0x600000, xe=nest(9, u32(1, 1), u32(2, 7))) +
                        mem_attr(0x600000, 0x800000, xe=nest(9, u16(2, 7))) +
                        mem_attr(0x800000, 0xa00000, xe=u32(9, 1)) + done(),
    'range-xe-tiles': rng(0x200000, 0x400000, 0x19, pagemap=1, xe=xe_range(0x3, 0x2)) +
                      rng(0x400000, 0x600000, 0x10, xe=nest(10, u32(1, 1))) +
                      rng(0x600000, 0x800000, 0x10, xe=nest(10, u64(1, 1), u32(2, 0))) +
                      done(),
    'vm-dump': vm(1, 3, 4242, 'svm-stream') + vm(2, 4, 0, '') + done(),
    # VM ids are uints the kernel never reuses: past 32 bits in 8 bytes (one
    # past 2^63-1 is refused), with the driver's own handle.
    'vm-64-bit-ids': vm(1, (1 << 32) + 3, 4242, 'svm-stream', handle=3) +
                     vm(2, 1 << 63, 0, '', handle=1) + done(),
    'objects-64-bit-vm': rng(0x200000, 0x400000, 0x19, pagemap=1, vm=(1 << 32) + 3) +
                         mem_attr(0x1000, 0x200000, vm=(1 << 32) + 3) +
                         event(4, vm=(1 << 32) + 3, seq=3) + done(),
    # With the series' attribute resets: newest first, one split; the
    # last of a provider without xe's attributes (no xe nest before it).
    'vm-attr-resets': vm(1, 3, 4242, 'svm-stream', resets=[
                          reset(0x7f0000200000, 0x7f0000400000, 1),
                          reset(0x1000, 0x2000, 0)]) +
                      vm(2, 4, 4242, 'svm-stream', resets=[
                          reset(0x1000, 0x2000, 0, pat=None)]) + done(),
    'dev-dump': genl('dev_get', u32(1, 1), string(2, '0000:03:00.0'), string(3, 'xe'),
                     u32(4, 0)) + genl('dev_get', u32(1, 2), string(2, 'vsvm.0'),
                                       string(3, 'vsvm')) + done(),
    'pagemap-dump': pagemap(1, 1) + pagemap(2, 2) + done(),
    'events': b''.join(event(t) for t in range(8)) +
              event(1, direction=1, trigger=4, result=-16),
    'events-numbered': event(0, seq=1) + event(4, seq=2) + event(0, seq=5) +
                       event(1, dev=2, seq=(1 << 32) + 7),
    'migrate-reply': genl('migrate', u32(1, 1), u32(2, 3), uint(7, 5), uint(8, 1),
                          uint(9, 2048), s32(10, -12), uint(11, 0x7f0000600000), flags=0) +
                     error(0),
    'gc-reply': genl('gc', u32(1, 1), u32(2, 3), uint(3, 4), uint(4, 4 << 21), uint(5, 1),
                     flags=0) + error(0),
    'error-extack': error(-22, 'end is not page aligned', offs=36),
    # An attribute inside a nest of the request (fuzz_netlink.c's has one at 48).
    'error-in-nest': error(-22, 'value not valid on this device', offs=52),
    'error-missing': error(-22, miss=5),
    'error-eacces': error(-13, "no ptrace read access to the VM's process", offs=28),
    'done-eopnotsupp': done(-95, 'the device does not report memory attributes'),
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'netlink')
os.makedirs(here, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, name + '.bin'), 'wb') as f:
        f.write(data)
print('%d seeds in %s' % (len(seeds), here))
