package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/velocc/velocc/rt"
)

// fakeRegistry answers as Confluent's Schema Registry API documents it: GET /schemas/ids/{id} gives
// {"schema": ..., "schemaType": ...} (no schemaType for Avro) or 404 with {"error_code": 40403, "message": ...};
// POST /subjects/{subject}/versions takes {"schema": ..., "schemaType": ...} and gives {"id": N}. Every request
// must accept the registry's media type.
type fakeRegistry struct {
	t       *testing.T
	mu      sync.Mutex
	schemas map[string]string // by id, the JSON answer
	gets    map[string]int
	posted  []string // subject and body of each POST
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !strings.Contains(r.Header.Get("Accept"), "application/vnd.schemaregistry.v1+json") {
		f.t.Errorf("%s %s: Accept %q", r.Method, r.URL.Path, r.Header.Get("Accept"))
	}
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/schemas/ids/"):
		id := strings.TrimPrefix(r.URL.Path, "/schemas/ids/")
		f.gets[id]++
		if s, ok := f.schemas[id]; ok {
			io.WriteString(w, s)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error_code":40403,"message":"Schema `+id+` not found"}`)
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/subjects/") && strings.HasSuffix(r.URL.Path, "/versions"):
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.schemaregistry.v1+json" {
			f.t.Errorf("POST: Content-Type %q", ct)
		}
		b, _ := io.ReadAll(r.Body)
		var req map[string]string
		if err := json.Unmarshal(b, &req); err != nil || req["schema"] == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error_code":42201,"message":"Invalid schema"}`)
			return
		}
		f.posted = append(f.posted, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/subjects/"), "/versions")+" "+string(b))
		io.WriteString(w, `{"id":21}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
	}
}

func newFake(t *testing.T, schemas map[string]any) (*fakeRegistry, string) {
	f := &fakeRegistry{t: t, schemas: map[string]string{}, gets: map[string]int{}}
	for id, v := range schemas {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		f.schemas[id] = string(b)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

const jobProto = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
enum Side { UNKNOWN = 0; BUY = 1; }
message Order { string symbol = 1; int64 qty = 2; Side side = 3; google.protobuf.Timestamp ts = 4; }
`

func TestProtobufChecker(t *testing.T) {
	evolved := strings.Replace(jobProto, "message Order {", "message Order { optional double price = 9; repeated string tags = 10;", 1)
	retyped := strings.Replace(jobProto, "int64 qty = 2", "string qty = 2", 1)
	renumbered := strings.Replace(jobProto, "int64 qty = 2", "int64 qty = 5", 1)
	f, url := newFake(t, map[string]any{
		"1": map[string]any{"schema": jobProto, "schemaType": "PROTOBUF"},
		"2": map[string]any{"schema": evolved, "schemaType": "PROTOBUF"},
		"3": map[string]any{"schema": retyped, "schemaType": "PROTOBUF"},
		"4": map[string]any{"schema": renumbered, "schemaType": "PROTOBUF"},
		"5": map[string]any{"schema": `{"type":"record","name":"Order","fields":[]}`},
		"6": map[string]any{"schema": "syntax = \"proto3\"; message Other {}", "schemaType": "PROTOBUF"},
	})
	c := NewProtobuf(url, "shop.Order", []Field{{"symbol", 1, "string"}, {"qty", 2, "int64"}, {"side", 3, "enum shop.Side"},
		{"ts", 4, "message google.protobuf.Timestamp"}})
	for _, tc := range []struct {
		id          int32
		field, want string
	}{
		{1, "", ""},
		{2, "", ""}, // fields added: compatible
		{3, "qty", `the writer schema 3 in the registry has field 2 "qty" of type string, the job reads int64`},
		{4, "qty", "the writer schema 4 in the registry has no field number 2"},
		{5, "", "the writer schema 5 in the registry is AVRO, not PROTOBUF"},
		{6, "", "the writer schema 6 in the registry cannot be read: it has no message shop.Order"},
		{1, "", ""},
		{3, "qty", "field 2"},
	} {
		err := c.Check(tc.id)
		var re *rt.RecordError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("id %d: %v", tc.id, err)
		case tc.want != "" && (!errors.As(err, &re) || re.Field != tc.field || !strings.Contains(re.Reason, tc.want)):
			t.Errorf("id %d: %v, want field %q: %s", tc.id, err, tc.field, tc.want)
		}
	}
	for id, n := range f.gets {
		if n != 1 {
			t.Errorf("schema %s fetched %d times, want once", id, n)
		}
	}
	// An id the registry does not know is not a bad record: the job cannot go on without the registry's answer.
	err := c.Check(99)
	var re *rt.RecordError
	if err == nil || errors.As(err, &re) || !strings.Contains(err.Error(), "Schema 99 not found (error 40403)") {
		t.Errorf("id 99: %v", err)
	}
}

func TestAvroChecker(t *testing.T) {
	job := `{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "symbol", "type": "string", "doc": "the ticker"},
  {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 4}]}]}`
	same := `{"name":"Order","namespace":"shop","type":"record","fields":[{"type":"string","name":"symbol"},
  {"name":"price","type":["null",{"scale":4,"precision":12,"logicalType":"decimal","type":"bytes"}]}]}`
	wider := strings.Replace(same, `"precision":12`, `"precision":14`, 1)
	longer := strings.Replace(same, `]}]}`, `]},{"name":"qty","type":"long"}]}`, 1)
	_, url := newFake(t, map[string]any{"1": map[string]any{"schema": same}, "2": map[string]any{"schema": wider}, "3": map[string]any{"schema": longer}})
	c := NewAvro(url, job)
	if err := c.Check(1); err != nil {
		t.Errorf("id 1: %v", err)
	}
	var re *rt.RecordError
	if err := c.Check(2); !errors.As(err, &re) || re.Field != "price" {
		t.Errorf("id 2: %v, want a bad record naming price", err)
	}
	if err := c.Check(3); !errors.As(err, &re) || re.Field != "qty" {
		t.Errorf("id 3: %v, want a bad record naming qty", err)
	}
}

func TestRegisterHeader(t *testing.T) {
	f, url := newFake(t, nil)
	h, err := RegisterHeader(url, "orders.v2-value", Schema{Type: "PROTOBUF", Schema: jobProto}, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(h, []byte{0, 0, 0, 0, 21, 0}) {
		t.Errorf("header % x", h)
	}
	if len(f.posted) != 1 || !strings.HasPrefix(f.posted[0], `orders.v2-value {"schema":"syntax`) || !strings.Contains(f.posted[0], `"schemaType":"PROTOBUF"`) {
		t.Errorf("posted %q", f.posted)
	}
	h, err = RegisterHeader(url, "t-value", Schema{Type: "AVRO", Schema: `{"type":"record","name":"t","fields":[]}`}, nil)
	if err != nil || !bytes.Equal(h, []byte{0, 0, 0, 0, 21}) || strings.Contains(f.posted[1], "schemaType") {
		t.Errorf("Avro: header % x, %v, posted %q", h, err, f.posted[1])
	}
	if _, err := RegisterHeader(url, "t-value", Schema{Type: "AVRO"}, nil); err == nil || !strings.Contains(err.Error(), "Invalid schema (error 42201)") {
		t.Errorf("an invalid schema: %v", err)
	}
	if h := Header(258, []int{1, 2}); !bytes.Equal(h, []byte{0, 0, 0, 1, 2, 4, 2, 4}) {
		t.Errorf("Header(258, [1 2]) = % x", h)
	}
}
