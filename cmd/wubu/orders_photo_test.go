package main

import (
	"bytes"
	"encoding/json"
	"image"
	pngenc "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// postPhotos posts files as multipart/form-data in the field "photo" and
// decodes the JSON answer into out; it returns the status.
func (c *apiClient) postPhotos(path string, files [][]byte, out any) int {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i, f := range files {
		w, err := mw.CreateFormFile("photo", "p"+itoa(int64(i))+".png")
		if err != nil {
			c.t.Fatal(err)
		}
		w.Write(f)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("POST %s: %v in %s", path, err, data)
		}
	}
	return resp.StatusCode
}

// getRaw gets a path and returns the status, content type and body.
func (c *apiClient) getRaw(path string) (int, string, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), data
}

// TestOrderPhotosOverHTTP adds photos to an order through the API and
// reads them back, on both databases: a PNG is stored and served as it was
// sent; a file that is not a JPEG or PNG (whatever its name), one over
// wubu.MaxPhotoSize, a body that is not multipart and a seventh photo are refused with
// the web form's messages and store nothing; another project's user does
// not find the order's photos.
func TestOrderPhotosOverHTTP(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newOrderApp(t, d)
			desk, tech := app.apiLogin(t, "desk"), app.apiLogin(t, "tech")
			app.User(t, "outsider", wubu.RoleStaff, wubu.PostMaintenance, app.ProjectB)
			outsider := app.apiLogin(t, "outsider")
			var o wubu.Order
			if status := desk.do("POST", "/api/v1/projects/"+itoa(app.ProjectA.ID)+"/orders", map[string]any{"person_id": app.person.ID, "urgency": "normal", "description": "阳台漏水"}, &o); status != 201 {
				t.Fatalf("open: got %d", status)
			}
			oid := "/api/v1/orders/" + itoa(o.ID)
			var png bytes.Buffer
			if err := pngenc.Encode(&png, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
				t.Fatal(err)
			}
			var res struct {
				wubu.Order
				Added []int64 `json:"added"`
			}
			if status := tech.postPhotos(oid+"/photos", [][]byte{png.Bytes(), png.Bytes()}, &res); status != 201 || len(res.Added) != 2 || len(res.PhotoIDs) != 2 {
				t.Fatalf("add two photos: got %d %+v", status, res)
			}
			status, ct, data := tech.getRaw(oid + "/photos/" + itoa(res.Added[0]))
			if status != 200 || ct != "image/png" || !bytes.Equal(data, png.Bytes()) {
				t.Fatalf("get photo: got %d %q, %d bytes", status, ct, len(data))
			}
			if status, _, _ := outsider.getRaw(oid + "/photos/" + itoa(res.Added[0])); status != 404 {
				t.Fatalf("another project's user: got %d, want 404", status)
			}
			if status, _, _ := tech.getRaw(oid + "/photos/999999"); status != 404 {
				t.Fatalf("missing photo: got %d, want 404", status)
			}
			var e apiError
			refusals := []struct {
				name  string
				files [][]byte
				want  string
			}{
				{"not an image", [][]byte{[]byte("GIF89a not a photo at all")}, "JPEG 或 PNG"},
				{"over 4 MB", [][]byte{append(append([]byte{}, png.Bytes()...), make([]byte, wubu.MaxPhotoSize)...)}, "JPEG 或 PNG"},
				{"a seventh photo", [][]byte{png.Bytes(), png.Bytes(), png.Bytes(), png.Bytes(), png.Bytes()}, "最多 6 张照片"},
				{"no file", nil, "JPEG 或 PNG"},
			}
			for _, r := range refusals {
				e = apiError{}
				if status := tech.postPhotos(oid+"/photos", r.files, &e); status != 422 || e.Error.Field != "photo" || !strings.Contains(e.Error.Message, r.want) {
					t.Fatalf("%s: got %d %+v", r.name, status, e)
				}
			}
			if status := tech.do("POST", oid+"/photos", `{"photo":"x"}`, &e); status != 422 || !strings.Contains(e.Error.Message, "multipart/form-data") {
				t.Fatalf("JSON body: got %d %+v", status, e)
			}
			if status := outsider.postPhotos(oid+"/photos", [][]byte{png.Bytes()}, &e); status != 404 {
				t.Fatalf("another project's user adding: got %d, want 404", status)
			}
			tech.do("GET", oid, nil, &o)
			if len(o.PhotoIDs) != 2 {
				t.Fatalf("after the refusals: got photos %v, want the first two only", o.PhotoIDs)
			}
			// Up to six.
			if status := tech.postPhotos(oid+"/photos", [][]byte{png.Bytes(), png.Bytes(), png.Bytes(), png.Bytes()}, &res); status != 201 || len(res.PhotoIDs) != 6 {
				t.Fatalf("fill to six: got %d %+v", status, res)
			}
		})
	}
}
