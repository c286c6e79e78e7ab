// What a Kafka sink still waits for: the rows the job names when its clean stop runs out of time.

package kafka

import "github.com/velocc/velocc/rt"

// Pending returns how many messages written so far the brokers have not acknowledged yet: those in the producer
// and those that failed and wait for a retry.
func (o *output) Pending() int64 {
	if o.cl == nil {
		return 0
	}
	return o.written.Load() - o.acked.Load()
}

var _ rt.PendingReporter = (*output)(nil)
