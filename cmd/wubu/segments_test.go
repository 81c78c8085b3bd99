package main

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSegmentPages: the demo's saved segments are listed with their
// sizes; a query with a bad age is shown again with the filters typed and
// the message beside the field; a save without a name keeps the filters;
// the assistant's .xlsx export has masked phones, the manager's full ones.
func TestSegmentPages(t *testing.T) {
	a := newDemoApp(t)
	m := a.demoLogin(t, "manager")
	resp, body := m.get("/projects/1/segments")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "关爱对象（独居老人、行动不便）") || !strings.Contains(body, "60 岁以上业主") {
		t.Fatalf("segments page: %d %.300s", resp.StatusCode, body)
	}
	resp, body = m.get("/projects/1/segments?age_min=70&age_max=60&occupation=教师")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "最大年龄不能小于最小年龄") || !strings.Contains(body, `value="教师"`) {
		t.Fatalf("refused query: %d %.300s", resp.StatusCode, body)
	}
	resp, body = m.post("/projects/1/segments", url.Values{"name": {""}, "care": {"hardship"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写分群名称") || !strings.Contains(body, `value="hardship" selected`) {
		t.Fatalf("refused save: %d %.300s", resp.StatusCode, body)
	}
	phones := func(login string) []string {
		t.Helper()
		b := a.demoLogin(t, login)
		resp, body := b.get("/projects/1/segments/export?care=elderly_alone")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s's export: %d %.200s", login, resp.StatusCode, body)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(rows) < 2 || rows[0][4] != "电话" {
			t.Fatalf("%s's export: %v %v", login, rows, err)
		}
		var out []string
		for _, r := range rows[1:] {
			if len(r) > 4 && r[4] != "" {
				out = append(out, r[4])
			}
		}
		return out
	}
	masked, full := phones("assistant"), phones("manager")
	if len(masked) == 0 || !strings.Contains(masked[0], "****") || len(full) != len(masked) || strings.Contains(full[0], "****") {
		t.Fatalf("assistant's phones %v, manager's %v", masked, full)
	}
}
