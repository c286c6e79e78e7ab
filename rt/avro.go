// Avro binary decoding of Kafka message values.

package rt

// AvroDecoder decodes one Avro-encoded record with typed readers, in the writer schema's field order.
type AvroDecoder struct {
	buf []byte
	pos int
	err *RecordError
}
