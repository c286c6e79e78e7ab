// Starting and stopping a single-node KRaft broker (broker and controller in one JVM) for one run.
package main

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
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// startTimeout bounds the wait for a new broker to answer a metadata request.
const startTimeout = 90 * time.Second

// stopGrace is how long a broker may take to shut down after SIGTERM before it is killed.
const stopGrace = 5 * time.Second

// heap is the JVM's heap limit for the broker: ample for tests, small for a 2-core CI machine.
const heap = "-Xmx512m"

// errInterrupted reports a SIGINT or SIGTERM that arrived while the broker started.
var errInterrupted = errors.New("interrupted while the broker started")

// broker is a running Kafka broker and the temporary directory that holds its configuration, data and logs.
type broker struct {
	addr    string        // host:port of the PLAINTEXT listener
	startup time.Duration // from formatting the storage to the first metadata answer
	dir     string
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the JVM exited; waitErr is its exit status then
	waitErr error
}

// start formats a fresh log directory and starts a broker on free ports of 127.0.0.1 with the jars in libs. It
// returns once the broker answers a metadata request, or with an error that includes the tail of the broker's log.
// Cancelling ctx abandons the start.
func start(ctx context.Context, libs string) (*broker, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("java is not on PATH; the Kafka broker needs Java 17 or newer")
	}
	dir, err := os.MkdirTemp("", "velocc-kafka-")
	if err != nil {
		return nil, err
	}
	b := &broker{dir: dir, exited: make(chan struct{})}
	if err := b.launch(ctx, java, libs); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

// launch writes the configuration, formats the storage, starts the JVM and waits for the broker to answer.
func (b *broker) launch(ctx context.Context, java, libs string) error {
	began := time.Now()
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	b.addr = fmt.Sprintf("127.0.0.1:%d", ports[0])
	props := filepath.Join(b.dir, "server.properties")
	if err := os.WriteFile(props, []byte(serverProperties(b.dir, ports[0], ports[1])), 0o644); err != nil {
		return err
	}
	log4j := filepath.Join(b.dir, "log4j2.properties")
	if err := os.WriteFile(log4j, []byte(log4jProperties(b.dir)), 0o644); err != nil {
		return err
	}
	jvm := []string{"-Dlog4j2.configurationFile=" + log4j, "-cp", filepath.Join(libs, "*")}

	id, err := clusterID()
	if err != nil {
		return err
	}
	// The storage tool runs for a second: the client compiler and the serial collector halve its start-up.
	format := exec.CommandContext(ctx, java, append(jvm, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
		"kafka.tools.StorageTool", "format", "-t", id, "-c", props, "--standalone")...)
	if out, err := format.CombinedOutput(); ctx.Err() != nil {
		return errInterrupted
	} else if err != nil {
		return fmt.Errorf("formatting the broker's storage failed (%v):\n%s%s", err, out, b.logTail())
	}

	out, err := os.Create(filepath.Join(b.dir, "broker.out"))
	if err != nil {
		return err
	}
	defer out.Close()
	b.cmd = exec.Command(java, append(jvm, heap, "kafka.Kafka", props)...)
	b.cmd.Stdout, b.cmd.Stderr = out, out
	// Its own process group keeps a terminal's ^C away from the JVM, so the command sees the broker until it
	// exits; Pdeathsig takes the JVM down if the wrapper dies without stopping it.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		return fmt.Errorf("cannot start the broker: %v", err)
	}
	go func() {
		b.waitErr = b.cmd.Wait()
		close(b.exited)
	}()
	if err := b.await(ctx); err != nil {
		return err
	}
	b.startup = time.Since(began)
	return nil
}

// await polls the broker with metadata requests until one succeeds, the JVM exits, ctx is cancelled or
// startTimeout passes.
func (b *broker) await(ctx context.Context) error {
	// franz-go backs off up to seconds between retries by default; a starting broker is worth asking every 50ms.
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addr),
		kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	deadline := time.After(startTimeout)
	for {
		reqCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		m, err := adm.BrokerMetadata(reqCtx)
		cancel()
		if err == nil && len(m.Brokers) > 0 {
			return nil
		}
		select {
		case <-b.exited:
			return fmt.Errorf("the broker exited while starting (%v):\n%s", b.waitErr, b.logTail())
		case <-ctx.Done():
			return errInterrupted
		case <-deadline:
			return fmt.Errorf("the broker did not answer on %s within %v (last error: %v):\n%s", b.addr,
				startTimeout, err, b.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// exitedEarly returns an error with the log's tail if the broker has exited, and nil while it runs.
func (b *broker) exitedEarly() error {
	select {
	case <-b.exited:
		return fmt.Errorf("%v:\n%s", b.waitErr, b.logTail())
	default:
		return nil
	}
}

// stop sends the broker SIGTERM, kills it if it has not exited after stopGrace, and removes its directory.
func (b *broker) stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-b.exited:
		case <-time.After(stopGrace):
			b.cmd.Process.Kill()
			<-b.exited
		}
	}
	os.RemoveAll(b.dir)
}

// logTail returns the last lines of the broker's log and what the JVM printed, for error messages.
func (b *broker) logTail() string {
	var s strings.Builder
	for _, name := range []string{"broker.log", "broker.out"} {
		data, err := os.ReadFile(filepath.Join(b.dir, name))
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

// freePorts returns n distinct ports of 127.0.0.1 that were free a moment ago. All n listeners are open at once,
// so the ports differ.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
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
