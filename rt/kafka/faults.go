// Faults of a Kafka source: errors reported by polls, brokers away for longer than 'broker.unavailable.timeout',
// a topic deleted under the job, and the bad record that stops a job under on.error=fail.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fetchError decides what an error reported by a poll means: nil when the client deals with it by itself (it
// retries requests with backoff, joins the group again, follows partitions to their new leaders), else the error
// that stops the job. p is the partition it concerns, if any.
func (in *input) fetchError(ctx context.Context, p int32, err error) error {
	var (
		session *kgo.ErrGroupSession
		loss    *kgo.ErrDataLoss
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return nil
	case fatal(err) && in.table:
		return fmt.Errorf("reading kafka topic %q on %s: %v", in.topic, in.brokerList(), err)
	case fatal(err):
		return fmt.Errorf("reading kafka topic %q on %s as group %q: %v", in.topic, in.brokerList(), in.group,
			unwrapSession(err))
	case unknownTopic(err):
		return in.topicGone(ctx)
	case errors.As(err, &session):
		in.sessionFailed(session.Err)
		return nil
	case errors.As(err, &loss):
		// The partition's log was truncated below what the job read (an unclean leader election): the client
		// reads on from where the log continues.
		in.src.Warnf("kafka topic %q partition %d: %v", in.topic, p, err)
		return nil
	case kerr.IsRetriable(err), errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return nil
	}
	return fmt.Errorf("reading kafka topic %q partition %d: %v", in.topic, p, err)
}

// unwrapSession drops franz-go's "unable to join group session" wrapper, whose words add nothing to ours.
func unwrapSession(err error) error {
	var session *kgo.ErrGroupSession
	if errors.As(err, &session) {
		return session.Err
	}
	return err
}

// sessionFailed notes why the group session failed, logging it once per failure when the brokers answer (an
// unreachable broker is logged by health).
func (in *input) sessionFailed(err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.lostErr != nil {
		return
	}
	in.lostErr = err
	if since, _ := in.health.outage(); since.IsZero() {
		in.src.Warnf("the session of consumer group %q failed (%v); joining again", in.group, err)
	}
}

// checkOutage returns the error that gives up reading, once the source has been without brokers, or without a
// group session, for longer than 'broker.unavailable.timeout'.
func (in *input) checkOutage() error {
	if in.giveUp <= 0 {
		return nil
	}
	since, cause := in.health.outage()
	in.mu.Lock()
	if !in.lostAt.IsZero() && (since.IsZero() || in.lostAt.Before(since)) {
		since, cause = in.lostAt, in.lostErr
	}
	in.mu.Unlock()
	if since.IsZero() || time.Since(since) < in.giveUp {
		return nil
	}
	what := "no group session"
	if cause != nil {
		what = "last error: " + cause.Error()
	}
	name := in.src.Spec().Name
	return fmt.Errorf("source %q: kafka topic %q on %s unavailable for %v (%s); giving up after '%s.broker.unavailable.timeout' = %v",
		name, in.topic, in.brokerList(), time.Since(since).Round(time.Second), what, name, in.giveUp)
}

// topicGone looks at the topic after the brokers said that it does not exist, and returns the error that stops
// the job once a metadata request has said so twice, 'topic.retry.interval' apart: a broker that has just started
// may not know every topic yet, but a topic deleted under the job is gone.
func (in *input) topicGone(ctx context.Context) error {
	n, err := in.partitionCount(ctx, kadm.NewClient(in.admin))
	if err != nil || n > 0 {
		in.goneSince = time.Time{}
		return nil
	}
	if in.goneSince.IsZero() {
		in.goneSince = time.Now()
		in.src.Warnf("kafka topic %q does not exist on %s any more; looking again in %v", in.topic, in.brokerList(), in.retry)
		return nil
	}
	if time.Since(in.goneSince) < in.retry {
		return nil
	}
	return fmt.Errorf("kafka topic %q was deleted from %s while the job read it", in.topic, in.brokerList())
}

// stopAt stops the job at a bad record under on.error=fail. It first commits what was handed before the record:
// the sinks are flushed until the broker acknowledges every row, and the offsets are held back by the job's state
// as always. A restart then stops at the same record without emitting the rows before it again. The error says
// how to get past the record.
func (in *input) stopAt(bad *badRecord) error {
	name := in.src.Spec().Name
	if err := in.commit(context.Background()); err != nil {
		return fmt.Errorf("%v; nothing was committed, since the rows before it could not be written: %v", bad.err, err)
	}
	var done string
	switch c, ok := in.committed[bad.partition]; {
	case in.commitErr != nil:
		done = fmt.Sprintf("committing the records before it failed (%v)", in.commitErr)
	case ok && c.At == bad.offset:
		done = "the records before it are committed"
	case ok:
		done = fmt.Sprintf("partition %d is committed up to offset %d, the oldest record the job's state holds",
			bad.partition, c.At)
	default:
		done = fmt.Sprintf("partition %d has no commit yet: the job's state holds every record before it", bad.partition)
	}
	return fmt.Errorf("%v; %s; to get past it, run the job with --on-error %s=skip (or dead_letter), set '%s.on.error' "+
		"to 'skip' or 'dead_letter', or move the group past it: "+
		"kafka-consumer-groups.sh --bootstrap-server %s --group %s --reset-offsets --topic %s:%d --to-offset %d --execute",
		bad.err, done, name, name, strings.Join(in.seeds, ","), in.group, in.topic, bad.partition, bad.offset+1)
}
