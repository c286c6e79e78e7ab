// velocc topics: the Kafka topics a script reads and writes, whether they exist, and creating the missing ones.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/compiler"
)

// defaultBrokers is where jobs and velocc topics look for Kafka when nothing names the brokers.
const defaultBrokers = "localhost:9092"

// scriptTopic is one topic of a script, with everything that reads or writes it.
type scriptTopic struct {
	name    string
	users   []string // "source orders", "table prices", "sink volume"
	source  bool     // a source reads it: the job fails at startup when it is missing
	stream  bool     // a stream's source reads it: its partition count is the default of sink topics
	create  bool     // a sink writes it that creates it at startup ('topic.create', true by default)
	parts   int32    // partitions a sink's 'topic.partitions' asks for; -1: none asks
	repl    int16    // replicas a sink's 'topic.replication.factor' asks for; -1: the broker's default
	exists  bool
	created bool
	actual  int // partitions on the broker, once it exists
}

func topics(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("topics", flag.ContinueOnError)
	brokersFlag := fs.String("brokers", "", "")
	create := fs.Bool("create", false, "")
	partitions := fs.Int("partitions", -1, "")
	timeout := fs.Duration("timeout", 30*time.Second, "")
	script, err := parseArgs("topics", fs, args)
	if err != nil {
		return helpOr(err, stdout)
	}
	if *partitions == 0 || *partitions < -1 || *partitions > 1<<20 {
		return usageError(fmt.Sprintf("topics: --partitions wants a number of partitions from 1, got %d", *partitions))
	}
	if *timeout <= 0 {
		return usageError("topics: --timeout wants a positive duration, such as 30s")
	}
	plan, err := compile(script, stdin, stderr)
	if err != nil {
		return err
	}
	list, settings := planTopics(plan)
	if len(list) == 0 {
		fmt.Fprintf(stdout, "%s reads and writes no Kafka topic\n", scriptName(script))
		return nil
	}
	brokers := firstNonEmpty(*brokersFlag, os.Getenv("VELOCC_BROKERS"), settings, defaultBrokers)

	cl, err := kgo.NewClient(kgo.SeedBrokers(splitBrokers(brokers)...))
	if err != nil {
		return usageError("topics: --brokers " + brokers + ": " + err.Error())
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := describe(ctx, adm, list); err != nil {
		return fmt.Errorf("cannot reach Kafka at %s (%v); start a broker (make kafka in the velocc checkout) or name one with --brokers HOST:PORT",
			brokers, err)
	}
	if *create {
		if err := createMissing(ctx, adm, list, int32(*partitions)); err != nil {
			return err
		}
		if err := awaitCreated(ctx, adm, list); err != nil {
			return fmt.Errorf("listing the topics on %s after creating them: %v", brokers, err)
		}
	}

	fmt.Fprintf(stdout, "Kafka topics of %s on %s:\n", scriptName(script), brokers)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "TOPIC\tPARTITIONS\tUSED BY\tSTATUS\n")
	var missing []string
	for _, tp := range list {
		parts, status := "-", "exists"
		if tp.exists {
			parts = strconv.Itoa(tp.actual)
		}
		switch {
		case tp.created:
			status = "created"
		case tp.exists:
		case tp.create && !tp.source:
			status = "missing: the job creates it at startup"
		default:
			status = "missing"
			missing = append(missing, strconv.Quote(tp.name))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", tp.name, parts, strings.Join(tp.users, ", "), status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "velocc: the job cannot start without topic %s; create what is missing with: velocc topics %s --brokers %s --create\n",
			strings.Join(missing, ", "), script, brokers)
		return errReported
	}
	return nil
}

// planTopics lists the Kafka topics of plan in the order the script declares their sources and sinks, and the
// first 'bootstrap.servers' of the script.
func planTopics(plan *compiler.Plan) ([]*scriptTopic, string) {
	var (
		list     []*scriptTopic
		settings string
	)
	topic := func(uri string) *scriptTopic {
		name := strings.TrimPrefix(uri, "kafka:")
		for _, tp := range list {
			if tp.name == name {
				return tp
			}
		}
		tp := &scriptTopic{name: name, parts: -1, repl: -1}
		list = append(list, tp)
		return tp
	}
	for _, s := range plan.Sources {
		if s.Type != "kafka_source" {
			continue
		}
		tp := topic(s.URI)
		tp.source = true
		if s.IsTable {
			tp.users = append(tp.users, "table "+s.Name)
		} else {
			tp.stream = true
			tp.users = append(tp.users, "source "+s.Name)
		}
		settings = firstNonEmpty(settings, s.Options["bootstrap.servers"])
	}
	for _, s := range plan.Sources {
		if !strings.HasPrefix(s.DeadLetter, "kafka:") {
			continue
		}
		tp := topic(s.DeadLetter)
		tp.users = append(tp.users, "dead letters of "+s.Name)
		settings = firstNonEmpty(settings, s.Options["bootstrap.servers"])
		if s.Options["dead.letter.topic.create"] != "false" {
			tp.create = true
		}
	}
	for _, s := range plan.Sinks {
		if s.Type != "kafka_sink" {
			continue
		}
		tp := topic(s.URI)
		tp.users = append(tp.users, "sink "+s.Name)
		settings = firstNonEmpty(settings, s.Options["bootstrap.servers"])
		if s.Options["topic.create"] != "false" {
			tp.create = true
		}
		if n, err := strconv.ParseInt(s.Options["topic.partitions"], 10, 32); err == nil && tp.parts < 0 {
			tp.parts = int32(n)
		}
		if n, err := strconv.ParseInt(s.Options["topic.replication.factor"], 10, 16); err == nil && tp.repl < 0 {
			tp.repl = int16(n)
		}
	}
	return list, settings
}

// describe asks the brokers which of the topics exist, and with how many partitions.
func describe(ctx context.Context, adm *kadm.Client, list []*scriptTopic) error {
	names := make([]string, len(list))
	for i, tp := range list {
		names[i] = tp.name
	}
	md, err := adm.Metadata(ctx, names...)
	if err != nil {
		return err
	}
	if len(md.Brokers) == 0 {
		return errors.New("the cluster has no brokers")
	}
	for _, tp := range list {
		td, ok := md.Topics[tp.name]
		switch {
		case !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition):
			tp.exists = false
		case td.Err != nil:
			return fmt.Errorf("kafka topic %q: %v", tp.name, td.Err)
		default:
			tp.exists, tp.actual = true, len(td.Partitions)
		}
	}
	return nil
}

// createMissing creates the topics that do not exist: source topics with partitions partitions (-1: the
// broker's default), sink topics as the job would, with their 'topic.partitions', else the partition count of the
// script's first Kafka source topic, else the broker's default.
func createMissing(ctx context.Context, adm *kadm.Client, list []*scriptTopic, partitions int32) error {
	create := func(tp *scriptTopic, parts int32) error {
		resp, err := adm.CreateTopic(ctx, parts, tp.repl, nil, tp.name)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("creating kafka topic %q: %v", tp.name, err)
		}
		tp.created = err == nil
		return nil
	}
	sourceParts := int32(-1)
	for _, tp := range list {
		if !tp.source {
			continue
		}
		if !tp.exists {
			if err := create(tp, firstPositive(tp.parts, partitions)); err != nil {
				return err
			}
		}
		if sourceParts < 0 && tp.stream {
			sourceParts = firstPositive(int32(tp.actual), tp.parts, partitions)
		}
	}
	for _, tp := range list {
		if !tp.source && !tp.exists {
			if err := create(tp, firstPositive(tp.parts, sourceParts)); err != nil {
				return err
			}
		}
	}
	return nil
}

// awaitCreated describes the topics until every one created is listed with its partitions: the metadata of a
// topic created a moment ago may not show it yet.
func awaitCreated(ctx context.Context, adm *kadm.Client, list []*scriptTopic) error {
	for {
		if err := describe(ctx, adm, list); err != nil {
			return err
		}
		if !slices.ContainsFunc(list, func(tp *scriptTopic) bool { return tp.created && tp.actual == 0 }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// firstPositive returns the first of ns above 0, or -1.
func firstPositive(ns ...int32) int32 {
	if i := slices.IndexFunc(ns, func(n int32) bool { return n > 0 }); i >= 0 {
		return ns[i]
	}
	return -1
}

// firstNonEmpty returns the first of ss that is not "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// splitBrokers splits "host:port,host:port".
func splitBrokers(list string) []string {
	var out []string
	for _, b := range strings.Split(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
