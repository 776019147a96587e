package provinces

import "testing"

func TestRegionFollowsTheCodeRanges(t *testing.T) {
	for code, want := range map[string]string{
		"01": North, "37": North, "38": Central, "52": Central, "66": Central, "68": Central, "75": South, "96": South,
	} {
		u, ok := Lookup(code)
		if !ok {
			t.Fatalf("no unit %s", code)
		}
		if got := u.Region(); got != want {
			t.Errorf("%s: region %s, want %s", code, got, want)
		}
	}
}
