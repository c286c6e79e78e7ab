// Package registry is a client of Confluent's Schema Registry REST API for generated jobs: it fetches the writer
// schema of each schema id a source meets (once per id) and checks it against the schema the job was compiled
// with, and registers a sink's schema at start-up. It is a package of its own so that only jobs that name a
// registry link it (and protocompile, which reads the Protobuf schemas the registry returns).
package registry

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/velocc/velocc/rt"
)

// contentType is the registry's media type of requests and responses.
const contentType = "application/vnd.schemaregistry.v1+json"

// requestTimeout bounds one request to the registry.
const requestTimeout = 30 * time.Second

// Schema is a schema as the registry stores it.
type Schema struct {
	Type   string // "AVRO", "PROTOBUF" or "JSON"
	Schema string // its text
}

// Fetch returns the schema of id: GET {base}/schemas/ids/{id}.
func Fetch(ctx context.Context, base string, id int32) (Schema, error) {
	var resp struct {
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := call(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/schemas/ids/"+strconv.Itoa(int(id)), nil, &resp); err != nil {
		return Schema{}, err
	}
	if resp.SchemaType == "" {
		resp.SchemaType = "AVRO" // the registry leaves it out for Avro
	}
	return Schema{Type: resp.SchemaType, Schema: resp.Schema}, nil
}

// Register registers schema under subject (POST {base}/subjects/{subject}/versions) and returns its id; a schema
// registered already gets its id back.
func Register(ctx context.Context, base, subject string, s Schema) (int32, error) {
	body := map[string]string{"schema": s.Schema}
	if s.Type != "" && s.Type != "AVRO" {
		body["schemaType"] = s.Type
	}
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	var resp struct {
		ID int32 `json:"id"`
	}
	if err := call(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/subjects/"+url.PathEscape(subject)+"/versions", b, &resp); err != nil {
		return 0, err
	}
	return resp.ID, nil
}

// call makes one request and decodes the JSON answer into out; an answer other than 200 is an error carrying the
// registry's error code and message.
func call(ctx context.Context, method, u string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("schema registry: %v", err)
	}
	req.Header.Set("Accept", contentType+", application/json")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("schema registry: %v", err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("schema registry: %s %s: %v", method, u, err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Code    int    `json:"error_code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) == nil && e.Message != "" {
			return fmt.Errorf("schema registry: %s %s: %s (error %d)", method, u, e.Message, e.Code)
		}
		return fmt.Errorf("schema registry: %s %s: %s", method, u, res.Status)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("schema registry: %s %s: invalid answer: %v", method, u, err)
	}
	return nil
}

// Field is a field the job reads, as the writer schema must have it.
type Field struct {
	Name string // the field's name
	// Number is a Protobuf field's number.
	Number int32
	// Type is how the compiler describes the field's type: for Avro, the type as compiler.AvroType.String
	// spells it ("long", "[null, string]", "decimal(12,4)"); for Protobuf, as compiler.ProtoField.String does.
	Type string
}

// Checker checks the writer schema of each schema id a source's records carry against the schema the job was
// compiled with: each id is fetched once, and its verdict kept. It is safe for concurrent use.
type Checker struct {
	base    string
	typ     string // "AVRO" or "PROTOBUF"
	message string // Protobuf: the message's full name
	fields  []Field
	// Avro: the writer's fields must be these, in order (the decoder reads them by position).
	all bool

	last    atomic.Int64 // the last id found compatible, +1 (0: none)
	mu      sync.Mutex
	verdict map[int32]error
}

// NewAvro returns a checker of Avro writer schemas: the record's fields must be those of schema, the job's, with
// the same names and types in the same order, since Avro binary is read by position.
func NewAvro(base, schema string) *Checker {
	return &Checker{base: base, typ: "AVRO", fields: AvroFieldsOf(schema), all: true, verdict: map[int32]error{}}
}

// NewProtobuf returns a checker of Protobuf writer schemas: message must have each of fields with its number,
// name and type.
func NewProtobuf(base, message string, fields []Field) *Checker {
	return &Checker{base: base, typ: "PROTOBUF", message: message, fields: fields, verdict: map[int32]error{}}
}

// Check returns nil when the schema of id is compatible, else an error for the record: a *rt.RecordError naming
// the field that differs, or a registry error, which stops the job (the registry cannot be asked).
func (c *Checker) Check(id int32) error {
	if c.last.Load() == int64(id)+1 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.verdict[id]
	if !ok {
		s, err := Fetch(context.Background(), c.base, id)
		if err != nil {
			return fmt.Errorf("fetching the writer schema of id %d: %w", id, err)
		}
		v = c.compare(id, s)
		c.verdict[id] = v
	}
	if v == nil {
		c.last.Store(int64(id) + 1)
	}
	return v
}

// compare checks one writer schema.
func (c *Checker) compare(id int32, s Schema) error {
	bad := func(field, why string) error {
		return &rt.RecordError{Field: field, Reason: "the writer schema " + strconv.Itoa(int(id)) + " in the registry " + why}
	}
	if s.Type != c.typ {
		return bad("", "is "+s.Type+", not "+c.typ)
	}
	var got []Field
	var err error
	if c.typ == "AVRO" {
		got, err = avroFields(s.Schema)
	} else {
		got, err = protoFields(s.Schema, c.message)
	}
	if err != nil {
		return bad("", "cannot be read: "+err.Error())
	}
	if c.all {
		for i, f := range c.fields {
			switch {
			case i >= len(got):
				return bad(f.Name, "has no field "+strconv.Quote(f.Name)+" (it has "+strconv.Itoa(len(got))+" fields)")
			case got[i].Name != f.Name || got[i].Type != f.Type:
				return bad(f.Name, "has field "+strconv.Itoa(i+1)+" "+strconv.Quote(got[i].Name)+" of type "+got[i].Type+
					", the job's schema "+strconv.Quote(f.Name)+" of type "+f.Type)
			}
		}
		if len(got) > len(c.fields) {
			return bad(got[len(c.fields)].Name, "has a field "+strconv.Quote(got[len(c.fields)].Name)+" the job's schema does not have")
		}
		return nil
	}
	for _, f := range c.fields {
		var w *Field
		for i := range got {
			if got[i].Number == f.Number {
				w = &got[i]
				break
			}
		}
		switch {
		case w == nil:
			return bad(f.Name, "has no field number "+strconv.Itoa(int(f.Number)))
		case w.Type != f.Type:
			return bad(f.Name, "has field "+strconv.Itoa(int(f.Number))+" "+strconv.Quote(w.Name)+" of type "+w.Type+", the job reads "+f.Type)
		}
	}
	return nil
}

// Header returns Confluent's wire-format header of schema id: the magic byte 0 and the id, big-endian, then for
// a Protobuf message (index not nil) its message indexes, the single 0 for [0].
func Header(id int, index []int) []byte {
	h := []byte{0, byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}
	if index == nil {
		return h
	}
	if len(index) == 1 && index[0] == 0 {
		return append(h, 0)
	}
	h = binary.AppendVarint(h, int64(len(index)))
	for _, x := range index {
		h = binary.AppendVarint(h, int64(x))
	}
	return h
}

// RegisterHeader registers schema under subject and returns the header of the id it gets (see Header). A sink
// calls it once, when it starts.
func RegisterHeader(base, subject string, s Schema, index []int) ([]byte, error) {
	id, err := Register(context.Background(), base, subject, s)
	if err != nil {
		return nil, fmt.Errorf("registering the schema of subject %q: %w", subject, err)
	}
	return Header(int(id), index), nil
}
