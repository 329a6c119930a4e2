/**
 * The run's process spawner in Perl (part of every Debian and macOS base system), for where the
 * system has no Python 3.8 (spawnerCommand.ts): the protocol of spawnerProcess.ts. Node's `spawn`
 * forks the whole Node process on the main thread, which on a virtual machine costs milliseconds
 * per step and serializes a fan-out; a small process forks cheaply, off Node's thread, and execs
 * the command directly. Nothing in a field is ever evaluated.
 *
 * One loop, no signal handler: the spawner reads each command's two pipes, and once both have
 * ended (the command and whatever it left running are done writing) it reaps that command by
 * its pid. A command that closed its output but runs on is polled, at growing intervals up to
 * 50 ms, until it exits. (A SIGCHLD handler that reaped could take an exit before its command
 * was filed: Perl runs a handler at the next statement, whatever the mask.) The command gets
 * every signal at its default and none blocked, as Node's `spawn` gives: the spawner resets
 * them once, and Node started it with none blocked.
 *
 * Its fork is kept cheap, for each fork copies the spawner's memory map and each page either side
 * writes after it:
 *   - it loads no module, not even POSIX, which alone quadruples that memory (460 KB to 2.1 MB)
 *     and made a 200-command fan-out 6 % slower;
 *   - the command's directory and environment are set before the fork and put back after it;
 *   - the child, before its exec, makes system calls directly where their numbers are known
 *     (Linux on x64 and arm64), not through Perl's I/O layers (3 % of the fan-out).
 * Its arguments are what a module would have told it: `<openFlags> <setsid> <dup3>` —
 * O_WRONLY|O_CREAT|O_APPEND, and the numbers of the setsid and dup3 system calls, or 0 where Node
 * does not know them (the child then loads POSIX, or uses Perl's open). WNOHANG is 1 on every Unix.
 */
export const perlSpawnerScript = String.raw`
use strict; use warnings; no warnings 'exec';
my ($openFlags, $setsid, $dup3) = @ARGV;
open my $null, '<', '/dev/null' or die "cannot open /dev/null: $!";
$SIG{$_} = 'DEFAULT' for grep { $_ ne 'ZERO' } keys %SIG;
# Only where the command cannot start: its child leaves without running the spawner's cleanup.
sub quit { require POSIX; POSIX::_exit(shift) }
my (%commands, %pipes, @lines, %logs); # id → { pid, open, poll, log }; fd → [id, o|e, handle]; request lines; path → handle
my ($input, $reading) = ('', 1);
# Replies are sent together once per wake: one write, and one wake of Node, for all of them.
my $replies = '';
sub reply { $replies .= shift }
sub sendReplies { while (length $replies) { my $n = syswrite STDOUT, $replies; exit 0 unless defined $n; substr($replies, 0, $n) = '' } }
sub unescape { my $l = shift; $l =~ s/\\(n|\\)/$1 eq 'n' ? "\n" : "\\"/ge; $l }
# A whole request from the lines read so far, or nothing yet.
sub request {
  return unless @lines >= 7;
  my $nEnv = $lines[5];
  return unless @lines >= 7 + $nEnv;
  my $nArgs = $lines[6 + $nEnv];
  return unless @lines >= 7 + $nEnv + $nArgs;
  my @fields = map { unescape($_) } splice @lines, 0, 7 + $nEnv + $nArgs;
  my (undef, $id, $file, $cwd, $groupLog) = @fields;
  return { id => $id, file => $file, cwd => $cwd, groupLog => $groupLog, env => [@fields[6 .. 5 + $nEnv]], args => [@fields[7 + $nEnv .. $#fields]] };
}
# Sets (NAME=value) and unsets (-NAME) variables; returns what puts them back as they were.
sub applyEnv {
  my @undo;
  for (@{shift()}) {
    my ($name, $value) = /^-(.*)$/s ? ($1, undef) : split /=/, $_, 2;
    unshift @undo, defined $ENV{$name} ? "$name=$ENV{$name}" : "-$name";
    if (defined $value) { $ENV{$name} = $value } else { delete $ENV{$name} }
  }
  return @undo;
}
# What the child does before its exec, it does in pages of its own, each copied or mapped anew:
# so the command's directory and environment are set here, around the fork, and put back after.
sub launch {
  my $r = shift;
  chdir $r->{cwd} or return reply("c $r->{id}\n");
  my @undo = applyEnv($r->{env});
  my $pid = pipe(my $outR, my $outW) && pipe(my $errR, my $errW) ? fork() : undef;
  if (defined $pid && $pid == 0) {
    if (!$setsid || syscall($setsid) < 0) { require POSIX; POSIX::setsid() }
    # stdin from /dev/null, stdout and stderr to the pipes; every other descriptor is close-on-exec.
    unless ($dup3 && syscall($dup3, fileno $null, 0, 0) >= 0 && syscall($dup3, fileno $outW, 1, 0) >= 0 && syscall($dup3, fileno $errW, 2, 0) >= 0) {
      # Reopened standard handles keep their numbers (0, 1, 2).
      open STDIN, '<&', $null; open STDOUT, '>&', $outW; open STDERR, '>&', $errW;
    }
    exec { $r->{file} } $r->{file}, @{$r->{args}};
    quit(127);
  }
  applyEnv(\@undo);
  chdir '/'; # holding no folder of the user's open
  return reply("x $r->{id} 126\n") unless defined $pid;
  close $outW; close $errW;
  # Written here, not by Baton: it holds even if Baton is killed before it reads the reply.
  my $log = groupLog($r->{groupLog});
  syswrite $log, "$pid\n" if $log;
  $commands{$r->{id}} = { pid => $pid, open => 2, log => $log };
  $pipes{fileno $outR} = [$r->{id}, 'o', $outR];
  $pipes{fileno $errR} = [$r->{id}, 'e', $errR];
  reply("p $r->{id} $pid\n");
}
# The run's log of process groups, opened once (private); none when it cannot be: the command still runs.
sub groupLog {
  my $path = shift;
  return undef if $path eq '';
  return $logs{$path} if $logs{$path};
  sysopen(my $log, $path, $openFlags, 0600) or return undef;
  return $logs{$path} = $log;
}
sub readInput {
  my $n = sysread STDIN, $input, 65536, length $input;
  if (!$n) { $reading = 0; return }
  my @got = split /\n/, $input, -1;
  $input = pop @got;
  push @lines, @got;
  while (my $r = request()) { launch($r) }
}
sub readPipe {
  my ($id, $stream, $handle) = @{$pipes{shift()}};
  my $n = sysread $handle, my $bytes, 4000;
  return reply("$stream $id " . length($bytes) . "\n$bytes") if $n;
  delete $pipes{fileno $handle}; close $handle;
  $commands{$id}{poll} = 0 if --$commands{$id}{open} == 0;
}
# Reaps the commands whose output has ended; the next poll of one still running waits longer.
sub reap {
  my $next;
  for my $id (grep { defined $commands{$_}{poll} } keys %commands) {
    my $c = $commands{$id};
    if (waitpid($c->{pid}, 1) > 0) {
      syswrite $c->{log}, "-$c->{pid}\n" if $c->{log};
      reply("x $id " . (($? & 127) ? 128 + ($? & 127) : $? >> 8) . "\n");
      delete $commands{$id};
      next;
    }
    $c->{poll} = $c->{poll} ? ($c->{poll} * 2 > 0.05 ? 0.05 : $c->{poll} * 2) : 0.001;
    $next = $c->{poll} if !defined $next || $c->{poll} < $next;
  }
  return $next;
}
my $timeout;
while ($reading || %commands) {
  my $want = '';
  vec($want, 0, 1) = 1 if $reading;
  vec($want, $_, 1) = 1 for keys %pipes;
  my $ready = select(my $got = $want, undef, undef, $timeout);
  if ($ready > 0) {
    readInput() if $reading && vec($got, 0, 1);
    # Which of a command's two pipes was written first is not known here: stdout goes first, so
    # output then an error message (the usual order, and a failure's last lines) stays in order.
    for my $stream ('o', 'e') { for (keys %pipes) { readPipe($_) if vec($got, $_, 1) && $pipes{$_} && $pipes{$_}[1] eq $stream } }
  }
  $timeout = reap();
  sendReplies();
}
`;
