/**
 * The run's process spawner in Python (3.8 or later; spawnerCommand.ts says when): the protocol
 * of spawnerProcess.ts, as the Perl one (perlSpawnerScript.ts) speaks it, with the same loop.
 * What differs is the start: `subprocess.Popen`, which on Linux (Python 3.10 and later) starts
 * the command with `vfork` — the child shares the spawner's memory until its `exec`, so no memory
 * map is copied and no page faulted back in: in a 200-command fan-out the spawner costs a fraction
 * of Perl's fork. `Popen` also does, in the child, what Node's `spawn` does: the directory, a new
 * session, every signal at its default (glibc's own `posix_spawn` leaves two of them ignored).
 * Every field stays bytes, so no value is decoded.
 *
 * Its arguments: `<openFlags> <ctype>`. Python sets LC_CTYPE=C.UTF-8 in its own environment where
 * the locale is C (PEP 538), whatever `-I` says, so `<ctype>` is LC_CTYPE as Node has it — `=value`,
 * or empty where it is unset — and is put back before any command inherits it. SIGPIPE, which
 * Python ignores, is back at its default, so the spawner ends, as Perl's would, when Node stops
 * reading it.
 */
export const pythonSpawnerScript = String.raw`
import os, select, signal, subprocess, sys
open_flags, ctype = int(sys.argv[1]), sys.argv[2]
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
base = dict(os.environb)
if ctype: base[b'LC_CTYPE'] = os.fsencode(ctype[1:])
else: base.pop(b'LC_CTYPE', None)
null = os.open('/dev/null', os.O_RDONLY)
commands, pipes, logs = {}, {}, {}  # id: [Popen, open pipes, poll interval, log]; fd: (id, b'o' | b'e'); path: fd
lines, replies, pending = [], [], [b'']
poller = select.poll()
poller.register(0, select.POLLIN)
# A command's pipes close a moment before its exit can be reaped: SIGCHLD then wakes the loop,
# through this pipe, rather than a poll's timer. The handler only wakes it; the loop reaps.
exited, woken = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
signal.set_wakeup_fd(woken, warn_on_full_buffer=False)
signal.signal(signal.SIGCHLD, lambda *_: None)
poller.register(exited, select.POLLIN)

def send_replies():
    # Replies are sent together once per wake: one write, and one wake of Node, for all of them.
    data = b''.join(replies)
    replies.clear()
    while data: data = data[os.write(1, data):]

def unescape(field):
    # No field holds a NUL (Node sends none), so one can stand for an escaped backslash meanwhile.
    return field.replace(b'\\\\', b'\0').replace(b'\\n', b'\n').replace(b'\0', b'\\')

def request():
    """A whole request from the lines read so far, or None yet."""
    if len(lines) < 7: return None
    n_env = int(lines[5])
    if len(lines) < 7 + n_env: return None
    end = 7 + n_env + int(lines[6 + n_env])
    if len(lines) < end: return None
    fields = [unescape(field) for field in lines[:end]]
    del lines[:end]
    return fields[1:5] + [fields[6:6 + n_env], fields[7 + n_env:]]

def environment(delta):
    """The spawner's own environment with NAME=value set and -NAME unset."""
    env = dict(base)
    for entry in delta:
        if entry[:1] == b'-': env.pop(entry[1:], None)
        else:
            name, _, value = entry.partition(b'=')
            env[name] = value
    return env

def group_log(path):
    """The run's log of process groups, opened once (private); None when it cannot be: the command still runs."""
    if path and path not in logs:
        try: logs[path] = os.open(path, open_flags, 0o600)
        except OSError: return None
    return logs.get(path)

def launch(id, file, cwd, log_path, env, args):
    try: (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe()
    except OSError: return replies.append(b'x %s 126\n' % id)
    # What Baton was handed (a make jobserver's descriptors, say) goes on, as with Node's spawn;
    # the spawner's own descriptors are close-on-exec, as Python opens every one.
    try:
        process = subprocess.Popen([file] + args, executable=file, cwd=cwd, env=environment(env), start_new_session=True, stdin=null, stdout=out_w, stderr=err_w, close_fds=False)
    except OSError as error:
        process = error
    os.close(out_w); os.close(err_w)
    if isinstance(process, OSError):
        os.close(out_r); os.close(err_r)
        # Its directory is not one, or the program cannot run (127, as a shell says).
        return replies.append(b'c %s\n' % id if process.filename == cwd else b'x %s 127\n' % id)
    # Written here, not by Baton: it holds even if Baton is killed before it reads the reply.
    log = group_log(log_path)
    if log is not None: os.write(log, b'%d\n' % process.pid)
    commands[id] = [process, 2, None, log]
    for fd, stream in ((out_r, b'o'), (err_r, b'e')):
        pipes[fd] = (id, stream)
        poller.register(fd, select.POLLIN)
    replies.append(b'p %s %d\n' % (id, process.pid))

def read_input():
    """Reads requests and starts each; False once Node has closed the input."""
    data = os.read(0, 65536)
    if not data: return False
    got = (pending[0] + data).split(b'\n')
    pending[0] = got.pop()
    lines.extend(got)
    while True:
        r = request()
        if r is None: return True
        launch(*r)

def read_pipe(fd):
    id, stream = pipes[fd]
    data = os.read(fd, 4000)
    if data: return replies.append(b'%s %s %d\n%s' % (stream, id, len(data), data))
    poller.unregister(fd); os.close(fd); del pipes[fd]
    command = commands[id]
    command[1] -= 1
    if command[1] == 0: command[2] = 0

def reap():
    """Reaps the commands whose output has ended; the next poll of one still running waits longer."""
    next_poll = None
    for id, command in list(commands.items()):
        if command[2] is None: continue
        process, code = command[0], command[0].poll()
        if code is not None:
            if command[3] is not None: os.write(command[3], b'-%d\n' % process.pid)
            replies.append(b'x %s %d\n' % (id, 128 - code if code < 0 else code))
            del commands[id]
            continue
        command[2] = min(command[2] * 2, 0.05) if command[2] else 0.001
        next_poll = command[2] if next_poll is None else min(next_poll, command[2])
    return next_poll

reading, timeout = True, None
while reading or commands:
    ready = dict(poller.poll(None if timeout is None else timeout * 1000))
    if exited in ready: os.read(exited, 512)
    if reading and 0 in ready and not read_input():
        reading = False
        poller.unregister(0)
    # Which of a command's two pipes was written first is not known here: stdout goes first, so
    # output then an error message (the usual order, and a failure's last lines) stays in order.
    for stream in (b'o', b'e'):
        for fd in [fd for fd in ready if fd in pipes and pipes[fd][1] == stream]: read_pipe(fd)
    timeout = reap()
    send_replies()
`;
