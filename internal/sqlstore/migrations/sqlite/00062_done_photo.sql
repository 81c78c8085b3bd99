-- A project may ask for a photo of the finished work to complete an order.
-- +goose Up
ALTER TABLE order_settings ADD COLUMN done_photo INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE order_settings DROP COLUMN done_photo;
