#!/usr/bin/env python3
"""Every threaded stage gives the same bytes on any number of threads.

Scans a generated AWS Config snapshot (compact, as AWS delivers it) large
enough for every stage to use threads (ingest >= 8 MiB, link, analyzers,
rules, sort and output >= 20,000 assets or findings) with --threads 1, 2 and
3, and with thread creation forced to fail (LD_PRELOAD of no_threads.so:
every pthread_create returns EAGAIN), in every output format; the outputs
must be equal byte for byte once the scan's start time is masked.
usage: threads.py BINARY NO_THREADS_SO GENERATOR"""
import os, re, subprocess, sys, tempfile

binary, shim, gen = sys.argv[1:4]
STAMPS = re.compile(rb'"(started|startTimeUtc)": ?"[^"]*"|"(time|created_time|modified_time)":[0-9]+')


def mask(b):
    return STAMPS.sub(b'T', b)


def scan(snap, fmt, threads=None, env=None, expect_stats=None):
    args = [binary, 'scan', '-q', '--stats', '--format', fmt, snap]
    if threads is not None:
        args[2:2] = ['--threads', str(threads)]
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if r.returncode not in (0, 1):
        sys.exit('scan %s failed (exit %d): %s' % (' '.join(args[1:]), r.returncode, r.stderr.decode()[-2000:]))
    if expect_stats and not re.search(expect_stats, r.stderr.decode()):
        sys.exit('scan %s: --stats does not say %r: %s' % (' '.join(args[1:]), expect_stats, r.stderr.decode()))
    return mask(r.stdout)


with tempfile.TemporaryDirectory() as d:
    snap = os.path.join(d, 'snap.json')
    subprocess.run([sys.executable, gen, '--items', '21000', '--seed', '5', '--compact', '-o', snap], check=True)
    assert os.path.getsize(snap) >= 8 << 20, 'the snapshot must be large enough for threaded parsing'
    env = dict(os.environ)
    env['LD_PRELOAD'] = shim + (':' + env['LD_PRELOAD'] if env.get('LD_PRELOAD') else '')
    env['ASAN_OPTIONS'] = (env.get('ASAN_OPTIONS', '') + ':verify_asan_link_order=0').lstrip(':')
    bad = 0
    for fmt in ['json', 'ocsf', 'sarif', 'csv', 'table']:
        ref = scan(snap, fmt, threads=1)
        if len(ref) < 100000:
            sys.exit('%s: output too small (%d bytes) to exercise threaded output' % (fmt, len(ref)))
        runs = [('--threads 2', scan(snap, fmt, threads=2))]
        if fmt == 'json':
            runs.append(('--threads 3', scan(snap, fmt, threads=3, expect_stats=r'threads 3 \(2 workers started')))
            runs.append(('thread creation failing',
                         scan(snap, fmt, threads=3, env=env, expect_stats=r'threads 3 \(0 workers started, [1-9]')))
        for label, out in runs:
            same = out == ref
            print('%-6s %-24s %s (%d bytes)' % (fmt, label, 'same' if same else 'DIFFERENT', len(out)))
            bad += not same
    sys.exit(1 if bad else 0)
