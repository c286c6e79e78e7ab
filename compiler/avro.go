// Avro schemas (.avsc files) of Kafka sources and sinks.

package compiler

// AvroSchema is a parsed Avro record schema.
type AvroSchema struct {
	File string // the .avsc file as named in the script
	JSON string // the schema text
}
