package docsection

import "testing"

func TestReplace(t *testing.T) {
	doc := []byte("intro\n<!-- a -->\nold\n<!-- b -->\nafter\n")
	got, err := Replace(doc, "<!-- a -->", "<!-- b -->", []byte("new\n"))
	if err != nil || string(got) != "intro\n<!-- a -->\nnew\n<!-- b -->\nafter\n" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := Replace([]byte("no markers\n"), "<!-- a -->", "<!-- b -->", nil); err == nil {
		t.Error("a document without markers was rewritten")
	}
}
