package main

import (
	"slices"
	"time"
)

// Spread is the median, minimum and maximum of repeated measurements.
type Spread struct {
	Median, Min, Max time.Duration
}

// spreadOf summarises measurements; the median of an even count is the
// mean of the two middle ones.
func spreadOf(samples []time.Duration) Spread {
	if len(samples) == 0 {
		return Spread{}
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	median := sorted[mid]
	if len(sorted)%2 == 0 {
		median = (sorted[mid-1] + sorted[mid]) / 2
	}
	return Spread{Median: median, Min: sorted[0], Max: sorted[len(sorted)-1]}
}

// Milestone is the moment the last of a fleet's objects reached a state,
// and who brought them there.
type Milestone struct {
	What  string
	Owner string
	At    time.Time
}

// Share is the time one owner took on the way to Ready.
type Share struct {
	Owner string
	Time  time.Duration
}

// attribute splits the time from start to the last milestone along the
// chain of milestones, in order: each stretch from one milestone to the next
// is its owner's. A milestone reached before the previous one (the steps
// overlap) adds nothing, so the shares always add up to the total.
func attribute(start time.Time, chain []Milestone) []Share {
	var shares []Share
	reached := start
	for _, m := range chain {
		step := max(m.At.Sub(reached), 0)
		reached = maxTime(reached, m.At)
		if i := slices.IndexFunc(shares, func(s Share) bool { return s.Owner == m.Owner }); i >= 0 {
			shares[i].Time += step
		} else {
			shares = append(shares, Share{Owner: m.Owner, Time: step})
		}
	}
	return shares
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// RequestCounts are an API server's apiserver_request_total, summed by verb
// and resource (group/resource, subresource after a slash).
type RequestCounts map[RequestKey]float64

// RequestKey is one verb on one resource.
type RequestKey struct {
	Verb, Resource string
}

// writeVerbs are the verbs that change objects.
var writeVerbs = map[string]bool{"POST": true, "PUT": true, "PATCH": true, "APPLY": true, "DELETE": true, "DELETECOLLECTION": true}

// readVerbs are single reads; watches stay open and are not counted per event.
var readVerbs = map[string]bool{"GET": true, "LIST": true}

// since returns the requests counted between earlier and c.
func (c RequestCounts) since(earlier RequestCounts) RequestCounts {
	delta := RequestCounts{}
	for k, v := range c {
		if d := v - earlier[k]; d > 0 {
			delta[k] = d
		}
	}
	return delta
}

// sum adds the requests whose verb is in verbs and whose resource keep accepts.
func (c RequestCounts) sum(verbs map[string]bool, keep func(resource string) bool) float64 {
	var total float64
	for k, v := range c {
		if verbs[k.Verb] && keep(k.Resource) {
			total += v
		}
	}
	return total
}

func anyResource(string) bool { return true }
