// Package kafkabroker runs a single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on
// 127.0.0.1 for tests: it fetches the jars with mvn, starts the broker in a temporary directory, and stops and
// restarts it on the same port with the same data, so that a test can take the broker away from a running job.
// The program internal/kafkatest/broker runs a command with one; kafkatest.NewBroker gives a test its own. Open
// runs one in a directory that outlives it, for 'make kafka' (internal/kafkalocal).
package kafkabroker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// startStall bounds the wait for a starting broker to answer a metadata request: Start gives up when the broker's
// log has not grown for that long. A broker that keeps logging is working; on a loaded machine that takes as
// long as it takes.
const startStall = 90 * time.Second

// stopGrace is how long a broker may take to shut down after SIGTERM before it is killed.
const stopGrace = 5 * time.Second

// heap is the JVM's heap limit for the broker: ample for tests, small for a 2-core CI machine.
const heap = "-Xmx512m"

// ErrInterrupted reports that the context of Start or Restart was cancelled while the broker started.
var ErrInterrupted = errors.New("interrupted while the broker started")

// Broker is a Kafka broker and the temporary directory that holds its configuration, data and logs. Its methods
// are not safe for concurrent use.
type Broker struct {
	addr    string        // host:port of the PLAINTEXT listener
	startup time.Duration // how long the last Start or Restart took
	dir     string
	java    string
	libs    string
	keep    bool          // Close keeps dir (Open)
	cmd     *exec.Cmd     // the JVM; nil once stopped
	exited  chan struct{} // closed once the JVM exited; waitErr is its exit status then
	waitErr error
}

// Start formats a fresh log directory and starts a broker on free ports of 127.0.0.1 with the jars in libs (see
// Fetch). It returns once the broker answers a metadata request, or with an error that includes the tail of the
// broker's log. Cancelling ctx abandons the start (ErrInterrupted). Close stops the broker and removes its
// directory.
func Start(ctx context.Context, libs string) (*Broker, error) {
	began := time.Now()
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("java is not on PATH; the Kafka broker needs Java 17 or newer")
	}
	dir, err := os.MkdirTemp("", "velocc-kafka-")
	if err != nil {
		return nil, err
	}
	b := &Broker{dir: dir, java: java, libs: libs}
	ports, err := freePorts(0, 2)
	if err != nil {
		b.Close()
		return nil, err
	}
	if err := b.configure(ctx, ports[0], ports[1], true); err != nil {
		b.Close()
		return nil, err
	}
	if err := b.launch(ctx); err != nil {
		b.Close()
		return nil, err
	}
	b.startup = time.Since(began)
	return b, nil
}

// Open starts a broker whose configuration, data and log live in dir, which Close keeps. A dir that holds a
// broker formatted by an earlier Open is started again with its topics, messages and committed offsets (and on
// its controller port, which is stored in its data); a missing or unformatted dir is formatted afresh. Clients
// connect to port when it is free, or else to a free port of 127.0.0.1 (port 0: always a free one); Addr says
// which.
func Open(ctx context.Context, libs, dir string, port int) (*Broker, error) {
	began := time.Now()
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("java is not on PATH; the Kafka broker needs Java 17 or newer")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	b := &Broker{dir: dir, java: java, libs: libs, keep: true}
	controller, formatted := b.formerController()
	if !formatted {
		// Whatever an interrupted format left would make the storage tool refuse.
		if err := os.RemoveAll(b.path("data")); err != nil {
			return nil, err
		}
	}
	ports, err := freePorts(port, 1)
	if err != nil {
		return nil, err
	}
	if !formatted {
		if controller, err = freeOtherPort(ports[0]); err != nil {
			return nil, err
		}
	}
	if err := b.configure(ctx, ports[0], controller, !formatted); err != nil {
		return nil, err
	}
	if err := b.launch(ctx); err != nil {
		b.Stop()
		return nil, err
	}
	b.startup = time.Since(began)
	return b, nil
}

// formerController returns the controller port of the broker an earlier Open formatted in b's directory, and
// whether there is one: Kafka writes meta.properties into the log directory when it formats it.
func (b *Broker) formerController() (int, bool) {
	if _, err := os.Stat(filepath.Join(b.path("data"), "meta.properties")); err != nil {
		return 0, false
	}
	props, err := os.ReadFile(b.path("server.properties"))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(props), "\n") {
		if v, ok := strings.CutPrefix(line, "controller.quorum.bootstrap.servers=127.0.0.1:"); ok {
			if port, err := strconv.Atoi(v); err == nil {
				return port, true
			}
		}
	}
	return 0, false
}

// Dir returns the directory of the broker's configuration, data and log (broker.log).
func (b *Broker) Dir() string { return b.dir }

// Addr returns the host:port clients connect to; it stays the same across Restart.
func (b *Broker) Addr() string { return b.addr }

// Startup returns how long the last Start or Restart took, until the broker answered.
func (b *Broker) Startup() time.Duration { return b.startup }

// Stop shuts the broker down as an operator would (SIGTERM; SIGKILL if it has not exited after a few seconds)
// and keeps its configuration and data for Restart. Stopping a stopped broker does nothing.
func (b *Broker) Stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(stopGrace):
		b.cmd.Process.Kill()
		<-b.exited
	}
	b.cmd = nil
}

// Restart starts a stopped broker again on the same ports with the same data, and returns once it answers, as
// Start does.
func (b *Broker) Restart(ctx context.Context) error {
	if b.cmd != nil {
		return errors.New("kafkabroker: Restart of a running broker")
	}
	began := time.Now()
	if err := b.launch(ctx); err != nil {
		b.Stop()
		return err
	}
	b.startup = time.Since(began)
	return nil
}

// Close stops the broker and removes its directory, unless Open started it.
func (b *Broker) Close() {
	b.Stop()
	if !b.keep {
		os.RemoveAll(b.dir)
	}
}

// Done returns a channel that is closed when the broker's JVM exits, by itself or by Stop; nil before a start.
func (b *Broker) Done() <-chan struct{} { return b.exited }

// Running reports whether the broker was started and not stopped since.
func (b *Broker) Running() bool { return b.cmd != nil }

// Exited returns an error with the log's tail if the broker exited by itself, and nil while it runs or after
// Stop.
func (b *Broker) Exited() error {
	if b.cmd == nil {
		return nil
	}
	select {
	case <-b.exited:
		return fmt.Errorf("%v:\n%s", b.waitErr, b.LogTail())
	default:
		return nil
	}
}

// LogTail returns the last lines of the broker's log and of what the JVM printed, for error messages.
func (b *Broker) LogTail() string {
	var s strings.Builder
	for _, name := range []string{"broker.log", "broker.out"} {
		data, err := os.ReadFile(b.path(name))
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		fmt.Fprintf(&s, "--- %s (last %d lines)\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	if s.Len() == 0 {
		return "(the broker wrote no log)"
	}
	return s.String()
}

// configure writes the configuration for the client and controller ports and, if fresh is set, formats the
// storage.
func (b *Broker) configure(ctx context.Context, port, controller int, fresh bool) error {
	b.addr = fmt.Sprintf("127.0.0.1:%d", port)
	if err := os.WriteFile(b.path("server.properties"), []byte(serverProperties(b.dir, port, controller)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(b.path("log4j2.properties"), []byte(log4jProperties(b.dir)), 0o644); err != nil {
		return err
	}
	if !fresh {
		return nil
	}
	id, err := clusterID()
	if err != nil {
		return err
	}
	// The storage tool runs for a second: the client compiler and the serial collector halve its start-up.
	format := exec.CommandContext(ctx, b.java, append(b.jvm(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
		"-XX:+UseSerialGC", "kafka.tools.StorageTool", "format", "-t", id, "-c", b.path("server.properties"),
		"--standalone")...)
	if out, err := format.CombinedOutput(); ctx.Err() != nil {
		return ErrInterrupted
	} else if err != nil {
		return fmt.Errorf("formatting the broker's storage failed (%v):\n%s%s", err, out, b.LogTail())
	}
	return nil
}

// jvm returns the JVM arguments that every Kafka program run on the broker's directory takes.
func (b *Broker) jvm() []string {
	return []string{"-Dlog4j2.configurationFile=" + b.path("log4j2.properties"), "-cp", filepath.Join(b.libs, "*")}
}

// path returns the path of name in the broker's directory.
func (b *Broker) path(name string) string { return filepath.Join(b.dir, name) }

// launch starts the JVM on the configuration that configure wrote and waits for the broker to answer.
func (b *Broker) launch(ctx context.Context) error {
	out, err := os.OpenFile(b.path("broker.out"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(b.java, append(b.jvm(), heap, "kafka.Kafka", b.path("server.properties"))...)
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group keeps a terminal's ^C away from the JVM, so a command run with the broker sees it
	// until the command exits; Pdeathsig takes the JVM down if its parent dies without stopping it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start the broker: %v", err)
	}
	exited := make(chan struct{})
	b.cmd, b.exited = cmd, exited
	go func() {
		b.waitErr = cmd.Wait()
		close(exited)
	}()
	return b.await(ctx)
}

// await polls the broker with metadata requests until one succeeds, the JVM exits, ctx is cancelled or the
// broker's log has not grown for startStall.
func (b *Broker) await(ctx context.Context) error {
	// franz-go backs off up to seconds between retries by default; a starting broker is worth asking every 50ms.
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addr),
		kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	logged, since := b.logSize(), time.Now()
	for {
		reqCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		m, err := adm.BrokerMetadata(reqCtx)
		cancel()
		if err == nil && len(m.Brokers) > 0 {
			return nil
		}
		if n := b.logSize(); n != logged {
			logged, since = n, time.Now()
		} else if time.Since(since) > startStall {
			return fmt.Errorf("the broker did not answer on %s and logged nothing for %v (last error: %v):\n%s",
				b.addr, startStall, err, b.LogTail())
		}
		select {
		case <-b.exited:
			return fmt.Errorf("the broker exited while starting (%v):\n%s", b.waitErr, b.LogTail())
		case <-ctx.Done():
			return ErrInterrupted
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logSize returns how many bytes the broker has logged so far (its log and what the JVM printed): a starting
// broker's progress.
func (b *Broker) logSize() int64 {
	var n int64
	for _, name := range []string{"broker.log", "broker.out"} {
		if fi, err := os.Stat(b.path(name)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// freePorts returns n distinct ports of 127.0.0.1 that were free a moment ago: the first is want if it is free
// (want 0: any). All n listeners are open at once, so the ports differ.
func freePorts(want, n int) ([]int, error) {
	var ports []int
	for i := range n {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", want))
		if err != nil && i == 0 && want != 0 {
			l, err = net.Listen("tcp", "127.0.0.1:0")
		}
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		want = 0
	}
	return ports, nil
}

// freeOtherPort returns a free port of 127.0.0.1 other than port.
func freeOtherPort(port int) (int, error) {
	for {
		ports, err := freePorts(0, 1)
		if err != nil {
			return 0, err
		}
		if ports[0] != port {
			return ports[0], nil
		}
	}
}

// clusterID returns a random cluster id as Kafka writes one: 16 bytes in unpadded URL-safe base64, never starting
// with '-' (Kafka's tools would read that as a flag).
func clusterID() (string, error) {
	for {
		var id [16]byte
		if _, err := rand.Read(id[:]); err != nil {
			return "", err
		}
		if s := base64.RawURLEncoding.EncodeToString(id[:]); s[0] != '-' {
			return s, nil
		}
	}
}

// serverProperties is the configuration of a single-node test cluster whose data lives under dir: one process is
// broker and controller, every internal topic has one replica, topics are created only on request, and consumer
// groups start without the usual rebalance delay.
func serverProperties(dir string, port, controllerPort int) string {
	return fmt.Sprintf(`process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:%[2]d,CONTROLLER://127.0.0.1:%[3]d
advertised.listeners=PLAINTEXT://127.0.0.1:%[2]d
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:%[3]d
log.dirs=%[1]s
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
`, filepath.Join(dir, "data"), port, controllerPort)
}

// log4jProperties sends the broker's log (and the storage tool's) to broker.log in dir, keeping the terminal quiet.
// The dumps of every configuration value are left out, so that the log's tail in an error shows what happened.
func log4jProperties(dir string) string {
	return fmt.Sprintf(`logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = %s
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
`, filepath.Join(dir, "broker.log"))
}
