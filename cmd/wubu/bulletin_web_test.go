package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// postAttachment posts fields and one file, in a field of any name, as
// multipart/form-data.
func (b *browser) postAttachment(path string, fields url.Values, field, name string, data []byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	w, err := mw.CreateFormFile(field, name)
	if err != nil {
		b.t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.String()
}

// TestBulletinFormAttachments: the notice form refuses a file it does not
// take with the message in Chinese beside the field and everything else
// typed kept; with a PDF the notice is posted to its unit, shows the
// attachment to download and its read count; the "four pests" form keeps
// what was typed when refused.
func TestBulletinFormAttachments(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	admin := app.adminCtx()
	if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "5", Units: 2, Floors: 1, PerFloor: 1}); err != nil {
		t.Fatal(err)
	}
	app.User(t, "kefu", wubu.RoleStaff, wubu.PostService, app.ProjectA)
	app.User(t, "jingli", wubu.RoleManager, wubu.PostNone, app.ProjectA)
	b := app.webLogin(t, "kefu")
	fields := url.Values{"project": {itoa(app.ProjectA.ID)}, "title": {"5栋1单元停水通知"}, "body": {"明日上午更换水管，届时停水。"},
		"board_until": {"2027-01-10"}, "units": {"5-1"}, "send_sms": {"1"}}
	resp, page := b.postAttachment("/bulletins", fields, "files", "run.exe", []byte("MZ\x90\x00\x03\x00"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a program attached: status %d", resp.StatusCode)
	}
	for _, want := range []string{"无法作为附件", `value="5栋1单元停水通知"`, "明日上午更换水管，届时停水。", `value="5-1"`, `value="2027-01-10"`, `name="send_sms" value="1" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	resp, _ = b.postAttachment("/bulletins", fields, "files", "停水范围.pdf", pdf)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: status %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	_, page = b.get(loc)
	for _, want := range []string{"停水范围.pdf", "5-1单元", "已读 0 人"} {
		if !strings.Contains(page, want) {
			t.Errorf("the notice's page lacks %q", want)
		}
	}
	i := strings.Index(page, loc+"/files/")
	if i < 0 {
		t.Fatal("no link to the attachment")
	}
	href := page[i : i+strings.IndexByte(page[i:], '"')]
	resp, body := b.get(href)
	if resp.StatusCode != http.StatusOK || body != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download %s: %d %q %q", href, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	m := app.webLogin(t, "jingli")
	resp, page = m.post("/four-pests", url.Values{"project": {itoa(app.ProjectA.ID)}, "enabled": {"1"}, "day": {"31"}, "board_days": {"7"},
		"title": {"夏季除四害"}, "body": {"请清除积水。"}, "month": {"6", "7"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="夏季除四害"`) || !strings.Contains(page, "请清除积水。") {
		t.Fatalf("refused schedule: status %d", resp.StatusCode)
	}
	resp, _ = m.post("/four-pests", url.Values{"project": {itoa(app.ProjectA.ID)}, "enabled": {"1"}, "day": {"5"}, "board_days": {"7"},
		"title": {"夏季除四害"}, "body": {"请清除积水。"}, "month": {"6", "7"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: status %d", resp.StatusCode)
	}
	if _, page = m.get("/bulletins?project=" + itoa(app.ProjectA.ID)); !strings.Contains(page, "每月5号发布（6月、7月），张贴7天。") {
		t.Error("the schedule is not shown as saved")
	}
}
