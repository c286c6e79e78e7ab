// --help: the job's sources and sinks with their URIs, formats and schemas, and the flags.

package rt

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// writeHelp describes the job and its flags.
func writeHelp(w io.Writer, j *Job) {
	name := j.Name
	if name == "" {
		name = "job"
	}
	fmt.Fprintf(w, "%s: a streaming SQL job compiled by velocc\n\nUsage: %s [flags]\n", name, name)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\nSources:\n")
	if len(j.Sources) == 0 {
		fmt.Fprintf(tw, "  (none)\n")
	}
	for _, s := range j.Sources {
		policy := s.OnError
		if policy == "" {
			policy = "fail"
		}
		if policy == "dead_letter" {
			policy += " to " + s.DeadLetter
		}
		if s.LateDeadLetter {
			policy += ", late records to " + s.DeadLetter
		}
		fmt.Fprintf(tw, "  %s\t%s\t(%s, on error: %s)\n", s.Name, s.URI, helpFormat(s.URI, s.Format, "jsonl"), policy)
		writeFields(tw, s.Schema)
	}
	fmt.Fprintf(tw, "\nSinks:\n")
	if len(j.Sinks) == 0 {
		fmt.Fprintf(tw, "  (none)\n")
	}
	for _, s := range j.Sinks {
		extra := ""
		if s.Retracts {
			extra = ", with retractions"
		}
		fmt.Fprintf(tw, "  %s\t%s\t(%s%s)\n", s.Name, s.URI, helpFormat(s.URI, s.Format, "jsonl"), extra)
		writeFields(tw, s.Columns)
	}
	tw.Flush()

	fmt.Fprint(w, `
Flags:
  --source NAME=URI          read source NAME from URI instead: file:PATH[?format=jsonl|csv&delimiter=C] or kafka:TOPIC
  --sink NAME=URI            write sink NAME to URI instead: stdout:, file:PATH[?format=jsonl|csv&delimiter=C] or kafka:TOPIC
  --bounded                  read the sources to their end, then finish (Kafka: the end offsets at start)
                             (default: keep reading lines appended to the files, or new messages, until interrupted)
  --brokers HOST:PORT,...    Kafka brokers (default: $VELOCC_BROKERS, then the job's bootstrap.servers, then localhost:9092)
  --group ID                 Kafka consumer group (default: the job's group.id, then velocc-JOBNAME)
  --instance-id ID           static group membership: a restarted instance takes its partitions back at once
  --guarantee G              at_least_once or exactly_once: Kafka rows, state and offsets in one transaction
                             per commit (default: the job's 'processing.guarantee', then at_least_once)
  --single-instance          the job is the only instance of its group: topics it joins need not be co-partitioned
  --offset-reset WHERE       earliest or latest: where a group without committed offsets starts (default earliest)
  --timestamp-format FORMAT  write TIMESTAMP values as epoch_millis or rfc3339 (default: as each sink declares)
  --stats=false              do not print record counts to stderr (at exit and while running)
  --progress DURATION        while reading, print a progress line per source this often (default 10s; 0 = never)
  --workers N                read a bounded file source with N goroutines, merging their partial aggregates
                             (aggregations without a window, EMIT FINAL; others run on one)
  --on-error POLICY          what a bad record of every source does: fail, skip or dead_letter (default: each
                             source's on.error); --on-error NAME=POLICY for source NAME only (repeatable)
  --dead-letter PATH         the dead-letter file, or kafka:TOPIC, of every source that dead-letters (default: each
                             source's dead_letter.path or dead.letter.topic, then NAME.dead_letter.jsonl);
                             --dead-letter NAME=PATH for one source
  --cpuprofile FILE          write a CPU profile of the run to FILE (for go tool pprof)
  --max-memory MB            the memory budget in MiB (default: the script's 'max.memory.mb'); GOMEMLIMIT and the
                             cgroup's memory limit bound it too
  --state-overflow MODE      what state beyond the budget does: fail (stop with an error) or spill (to disk)
                             (default: the script's 'state.overflow', then fail)
  --state-dir DIR            where spilled state goes, in a directory of its own removed at exit (default: $TMPDIR)
  --shutdown-timeout D       after SIGINT or SIGTERM, how long finishing the records in flight, flushing the sinks
                             and committing may take before the job exits 1 (default 30s; 0 = no limit); a second
                             signal exits at once (130 or 143)
  --http HOST:PORT           serve metrics, health probes, status and a status page on HOST:PORT (default:
                             $VELOCC_HTTP, then the script's 'job.http.address'; none); 127.0.0.1:0 takes a free port
  --log-format FORMAT        text ("component: message", the default) or json (one JSON object per line)
  --help                     print this help
`)
}

// writeFields lists a schema, one "name TYPE [NOT NULL]" per line.
func writeFields(w io.Writer, fields []FieldSpec) {
	for _, f := range fields {
		notNull := ""
		if !f.Nullable {
			notNull = " NOT NULL"
		}
		fmt.Fprintf(w, "      %s\t%s%s\n", f.Name, f.Type, notNull)
	}
}

// helpFormat names the format a URI will be read or written in, as far as
// can be told without opening anything.
func helpFormat(uri, declared, fallback string) string {
	scheme, rest, q, err := splitURI(uri)
	if err != nil {
		return "format unknown"
	}
	if scheme != "file" && scheme != "stdout" {
		f, err := pickFormat("", firstNonEmpty(declared, fallback), "", false)
		if err != nil {
			return "format unknown"
		}
		return f.String()
	}
	param, _, _ := uriParams(uri, q)
	if scheme == "stdout" {
		declared = firstNonEmpty(declared, fallback)
	}
	f, err := pickFormat(param, declared, strings.ToLower(filepath.Ext(rest)), false)
	if err != nil {
		return "format unknown"
	}
	return f.String()
}
