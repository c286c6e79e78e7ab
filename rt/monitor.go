// What a running job reports about itself beyond its record counts: the interfaces through which transports
// report deliveries and consumer lag, read by the job's metrics and status (rt/ops).

package rt

// DeliveryReporter is an Output that reports on its deliveries (rt/kafka's sink).
type DeliveryReporter interface {
	Deliveries() DeliveryStats
}

// DeliveryStats is what an output reports on its deliveries so far. Safe to read while the job runs.
type DeliveryStats struct {
	Acked   int64  // messages the destination acknowledged
	Errors  int64  // failed delivery attempts
	Retries int64  // messages sent again after a failure
	Circuit string // the circuit breaker's state: "closed", "open" or "half_open"; "" without one
	Opened  int64  // how many times the circuit opened
}

// LagReporter is an Input that knows how far behind the end of its input each partition is (rt/kafka's source).
type LagReporter interface {
	Lag() []PartitionLag
}

// PartitionLag is one partition's position: the offset of the next record the job reads, and the end of the
// partition (the offset the next message written will get) as the broker last reported it.
type PartitionLag struct {
	Partition   int32
	Offset, End int64
}
