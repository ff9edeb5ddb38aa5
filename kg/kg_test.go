package kg_test

import (
	"errors"
	"regexp"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		kind kg.Kind
		slug string
	}{
		{"person/ma-shanxiang", kg.Person, "ma-shanxiang"},
		{"place/wulidian-jiedao", kg.Place, "wulidian-jiedao"},
		{"document/laoma-gongzuofa-book", kg.Document, "laoma-gongzuofa-book"},
		{"company/zhifei-shengwu", kg.Company, "zhifei-shengwu"},
		{"event/huabohui-2018", kg.Event, "huabohui-2018"},
		{"project/a", kg.Project, "a"},
	} {
		kind, slug, err := kg.ParseID(tc.id)
		if err != nil || kind != tc.kind || slug != tc.slug {
			t.Errorf("ParseID(%q) = %q, %q, %v; want %q, %q", tc.id, kind, slug, err, tc.kind, tc.slug)
		}
	}
	for _, tc := range []struct {
		id   string
		want error
	}{
		{"person/Ma-Shanxiang", kg.ErrBadID},  // upper case
		{"person/ma shanxiang", kg.ErrBadID},  // space
		{"person/马善祥", kg.ErrBadID},           // Chinese
		{"person/ma-shanxiang-", kg.ErrBadID}, // trailing hyphen
		{"person/-ma", kg.ErrBadID},           // leading hyphen
		{"person/ma--shanxiang", kg.ErrBadID}, // double hyphen
		{"person/ma_shanxiang", kg.ErrBadID},  // underscore
		{"person/mǎ-shànxiáng", kg.ErrBadID},  // tone marks
		{"person/ma/shanxiang", kg.ErrBadID},  // two slashes
		{"ma-shanxiang", kg.ErrBadID},         // no slash
		{"person/", kg.ErrBadID},              // no slug
		{"/ma-shanxiang", kg.ErrBadID},        // no kind
		{"", kg.ErrBadID},
		{"persn/ma-shanxiang", kg.ErrBadKind},
		{"Person/ma-shanxiang", kg.ErrBadKind},
		{"source/jiangbei-2021-05", kg.ErrBadKind}, // a source is no entity
	} {
		kind, slug, err := kg.ParseID(tc.id)
		if !errors.Is(err, tc.want) || kind != "" || slug != "" {
			t.Errorf("ParseID(%q) = %q, %q, %v; want error %v", tc.id, kind, slug, err, tc.want)
		}
	}
}

func TestParseSourceID(t *testing.T) {
	if err := kg.ParseSourceID("source/jiangbei-2021-05"); err != nil {
		t.Errorf("ParseSourceID: %v", err)
	}
	for _, id := range []string{"jiangbei-2021-05", "person/jiangbei", "source/Jiangbei", "source/", "source/a b"} {
		if err := kg.ParseSourceID(id); !errors.Is(err, kg.ErrBadID) {
			t.Errorf("ParseSourceID(%q) = %v, want ErrBadID", id, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{
		"2020", "2021-05", "2018-12-18", "2012/2014", "2021-01/2021-04", "2021-01/2021-03",
		"2020-02-29", // a leap day
		"2020/2020", "2018/2020-06", "2020-12-31/2021",
	} {
		if err := kg.ParseTime(s); err != nil {
			t.Errorf("ParseTime(%q) = %v, want ok", s, err)
		}
	}
	for _, s := range []string{
		"2020-13", "2020-00", "2020-02-30", "2021-02-29", "2020-04-31", "2020-01-32",
		"2021/2020", "2021-05/2021-04", "2021-05-18/2021-05-17",
		"21", "2020-1", "2020-01-1", "May 2021", "2020年", "2021Q1", "2020/", "/2020", "2020/2021/2022", "",
		" 2020", "2020-05-17T10:00",
	} {
		if err := kg.ParseTime(s); !errors.Is(err, kg.ErrBadTime) {
			t.Errorf("ParseTime(%q) = %v, want ErrBadTime", s, err)
		}
	}
}

func TestIRIs(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "https://civicgraph.example/", "https://example.org/graph"} {
		b := kg.NewIRIs(base)
		for _, id := range []string{"person/ma-shanxiang", "place/jiangbei-qu", "source/jiangbei-2021-05"} {
			iri := b.Entity(id)
			if got, err := b.ID(iri); err != nil || got != id {
				t.Errorf("%s: ID(Entity(%q)) = %q, %v", base, id, got, err)
			}
			if got, err := b.ID(id); err != nil || got != id {
				t.Errorf("%s: ID(%q) = %q, %v; an id passes through", base, id, got, err)
			}
		}
		for _, p := range kg.Vocabulary {
			if got := b.PredicateName(b.Predicate(p.Name)); got != p.Name {
				t.Errorf("%s: PredicateName(Predicate(%q)) = %q", base, p.Name, got)
			}
			if got := b.PredicateName(p.Name); got != p.Name {
				t.Errorf("%s: PredicateName(%q) = %q", base, p.Name, got)
			}
		}
		if _, err := b.ID("http://elsewhere.example/id/person/ma-shanxiang"); !errors.Is(err, kg.ErrBadID) {
			t.Errorf("%s: an IRI under another base = %v, want ErrBadID", base, err)
		}
	}
	b := kg.NewIRIs("http://x.example/")
	if got := b.Entity("person/ma-shanxiang"); got != "http://x.example/id/person/ma-shanxiang" {
		t.Errorf("Entity = %q", got)
	}
	if got := b.Predicate("award"); got != "http://x.example/vocab/award" {
		t.Errorf("Predicate = %q", got)
	}
}

var lowerCamel = regexp.MustCompile(`^[a-z]+([A-Z][a-z]*)*$`)

// TestVocabulary checks every predicate is documented in both languages both
// ways, and that names are unique lowerCamelCase, sorted as documented.
func TestVocabulary(t *testing.T) {
	if len(kg.Vocabulary) == 0 {
		t.Fatal("empty vocabulary")
	}
	seen := map[string]bool{}
	for i, p := range kg.Vocabulary {
		if !lowerCamel.MatchString(p.Name) {
			t.Errorf("predicate %q: name is not lowerCamelCase", p.Name)
		}
		if seen[p.Name] {
			t.Errorf("predicate %q defined twice", p.Name)
		}
		seen[p.Name] = true
		if i > 0 && kg.Vocabulary[i-1].Name > p.Name {
			t.Errorf("Vocabulary not sorted by name: %q before %q", kg.Vocabulary[i-1].Name, p.Name)
		}
		for field, v := range map[string]string{"Label": p.Label, "LabelEn": p.LabelEn, "Inverse": p.Inverse, "InverseEn": p.InverseEn, "Doc": p.Doc} {
			if v == "" {
				t.Errorf("predicate %q: empty %s", p.Name, field)
			}
		}
		for _, k := range slices.Concat(p.Domain, p.Range) {
			if !k.Valid() {
				t.Errorf("predicate %q: unknown kind %q in Domain or Range", p.Name, k)
			}
		}
		if got, ok := kg.LookupPredicate(p.Name); !ok || got.Name != p.Name {
			t.Errorf("LookupPredicate(%q) = %v, %v", p.Name, got, ok)
		}
	}
	if _, ok := kg.LookupPredicate("Award"); ok {
		t.Error("LookupPredicate is case-insensitive; names are exact")
	}
}

func TestAllows(t *testing.T) {
	award, _ := kg.LookupPredicate("award")
	if !award.Allows(kg.Person, kg.Honour) || !award.Allows(kg.Organization, kg.Honour) || award.Allows(kg.Person, kg.Place) {
		t.Error("award must link any kind to an honour only")
	}
	works, _ := kg.LookupPredicate("worksFor")
	if !works.Allows(kg.Person, kg.Company) || works.Allows(kg.Place, kg.Organization) {
		t.Error("worksFor must link a person to a company or organization only")
	}
}
