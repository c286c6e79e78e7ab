// Tests of a broker of the test's own: stopped and restarted, it keeps its address and its data.
package kafkatest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/e2e"
)

func TestBrokerRestart(t *testing.T) {
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b := NewBroker(t, root)
	addr := b.Addr()
	topic := NewTopic(t, addr, 2)
	Produce(t, addr, topic, keyed(100)...)

	b.Stop()
	cl := newClient(t, addr)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	_, err = kadm.NewClient(cl).BrokerMetadata(ctx)
	cancel()
	cl.Close()
	if err == nil {
		t.Fatalf("the broker on %s answered after Stop", addr)
	}

	if err := b.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	if b.Addr() != addr {
		t.Errorf("the broker moved from %s to %s", addr, b.Addr())
	}
	Produce(t, addr, topic, &kgo.Record{Key: []byte("key-100"), Value: []byte("value-100")})
	got := Consume(t, addr, topic, 101, time.Minute)
	seen := map[string]bool{}
	for _, r := range got {
		seen[string(r.Key)+"="+string(r.Value)] = true
	}
	var missing []string
	for i := range 101 {
		if kv := fmt.Sprintf("key-%d=value-%d", i, i); !seen[kv] {
			missing = append(missing, kv)
		}
	}
	if len(got) != 101 || len(missing) > 0 {
		t.Errorf("after the restart the topic holds %d records, want the 101 produced; missing: %s", len(got),
			strings.Join(missing, " "))
	}
	if err := b.Exited(); err != nil {
		t.Errorf("the restarted broker exited: %v", err)
	}
}
