// Dead letters to a topic: a source's bad and late records as messages of its 'dead.letter.topic', written by a
// sink's producer (sink.go), with its retries, circuit breaker and delivery counts.

package kafka

import (
	"strings"

	"github.com/velocc/velocc/rt"
)

// deadLetterPrefix starts the settings of a source's dead-letter producer: 'dead.letter.topic.create',
// 'dead.letter.delivery.timeout.ms', 'dead.letter.retry.initial.delay', ...: a sink's settings, prefixed.
const deadLetterPrefix = "dead.letter."

// NewDeadLetter implements rt.DeadLetterTransport: the output of source s's dead letters to uri ("kafka:TOPIC"),
// a sink named "<source>.dead.letter" (so its messages name its settings as the source's: "'orders.dead.letter.
// delivery.timeout.ms'") whose settings are the source's 'dead.letter.*' ones, on the source's brokers unless
// they say otherwise.
func (transport) NewDeadLetter(s *rt.Source, uri string, env *rt.Env) (rt.Output, error) {
	spec := s.Spec()
	opts := map[string]string{}
	if b := spec.Options["bootstrap.servers"]; b != "" {
		opts["bootstrap.servers"] = b
	}
	for k, v := range spec.Options {
		if name, ok := strings.CutPrefix(k, deadLetterPrefix); ok {
			opts[name] = v
		}
	}
	return newOutput(rt.SinkSpec{Name: strings.TrimSuffix(spec.Name+"."+deadLetterPrefix, "."), URI: uri, Options: opts}, uri, env)
}

var _ rt.DeadLetterTransport = transport{}
