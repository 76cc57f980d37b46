//! Images: decoded in full with the `image` crate, so a valid header in
//! front of garbage (or a corrupted chunk, a failed checksum) is refused.
//! Decoding is bounded by [`limits`]: an image that would need more is
//! refused as too large, before its pixels are allocated.

use std::io::{self, BufReader, Read, Seek, SeekFrom};

use image::{ImageError, ImageFormat, ImageReader, Limits};

use super::{Detected, MediaType, reason_of};

/// Widest and tallest image accepted, in pixels.
pub(super) const MAX_SIDE: u32 = 16_384;
/// Most memory one decode may allocate (the pixels included).
pub(super) const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// The bounds every decode runs within.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Checks a file whose magic number says `media` (an image type).
pub(super) fn check<F: Read + Seek>(file: &mut F, media: MediaType) -> io::Result<Detected> {
    let format = match media {
        MediaType::Png => ImageFormat::Png,
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Gif => ImageFormat::Gif,
        MediaType::Webp => ImageFormat::WebP,
        MediaType::Tiff => ImageFormat::Tiff,
        // Not an image: nothing this module can check.
        _ => return Ok(Detected::Allowed(media)),
    };
    let claimed = media.described();
    file.seek(SeekFrom::Start(0))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), format);
    reader.limits(limits());
    Ok(match reader.decode() {
        Ok(_) => Detected::Allowed(media),
        Err(ImageError::Limits(_)) => Detected::TooLarge {
            claimed,
            limit: format!(
                "images may have at most {MAX_SIDE}×{MAX_SIDE} pixels and need at most {} MiB \
                 once decoded",
                MAX_DECODED_BYTES / (1024 * 1024)
            ),
        },
        Err(error) => Detected::Invalid {
            claimed,
            reason: reason_of(&error),
        },
    })
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, GrayImage, ImageFormat};

    use super::super::{
        Detected, MediaType,
        samples::{detect, encode, noise, picture},
    };
    use super::MAX_SIDE;

    #[test]
    fn images_written_by_the_image_crate_are_accepted() {
        for (format, media) in [
            (ImageFormat::Png, MediaType::Png),
            (ImageFormat::Jpeg, MediaType::Jpeg),
            (ImageFormat::Gif, MediaType::Gif),
            (ImageFormat::WebP, MediaType::Webp),
            (ImageFormat::Tiff, MediaType::Tiff),
        ] {
            assert_eq!(detect(&picture(format), "poza"), Detected::Allowed(media));
        }
    }

    #[test]
    fn a_png_signature_in_front_of_garbage_is_refused() {
        let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
        file.extend_from_slice(&noise(4096, 11));
        assert!(matches!(
            detect(&file, "poza.png"),
            Detected::Invalid {
                claimed: "a PNG image",
                ..
            }
        ));
        // A valid IHDR, then nothing.
        let png = picture(ImageFormat::Png);
        assert!(matches!(
            detect(&png[..33], "poza.png"),
            Detected::Invalid {
                claimed: "a PNG image",
                ..
            }
        ));
    }

    #[test]
    fn a_png_whose_image_data_fails_its_checksum_is_refused() {
        let mut png = picture(ImageFormat::Png);
        let at = png
            .windows(4)
            .position(|w| w == b"IDAT")
            .unwrap_or(png.len());
        assert!(at < png.len(), "the sample has an IDAT chunk");
        let length = u32::from_be_bytes([png[at - 4], png[at - 3], png[at - 2], png[at - 1]]);
        // The CRC-32 follows the chunk type and data.
        let crc = at + 4 + usize::try_from(length).unwrap_or(0);
        png[crc] ^= 0xFF;
        let verdict = detect(&png, "poza.png");
        assert!(
            matches!(
                verdict,
                Detected::Invalid {
                    claimed: "a PNG image",
                    ..
                }
            ),
            "{verdict:?}"
        );
    }

    #[test]
    fn a_jpeg_start_in_front_of_garbage_is_refused() {
        // Start of image, then noise without a single marker.
        let mut file = vec![0xFF, 0xD8, 0xFF];
        file.extend(noise(4096, 5).into_iter().map(|b| b & 0x7F));
        assert!(matches!(
            detect(&file, "poza.jpg"),
            Detected::Invalid {
                claimed: "a JPEG image",
                ..
            }
        ));
    }

    #[test]
    fn an_image_too_large_to_decode_is_refused_with_the_limit() {
        let wide = DynamicImage::ImageLuma8(GrayImage::new(MAX_SIDE + 1, 1));
        let verdict = detect(&encode(&wide, ImageFormat::Png), "panorama.png");
        let Detected::TooLarge { claimed, limit } = verdict else {
            panic!("{verdict:?}");
        };
        assert_eq!(claimed, "a PNG image");
        assert!(limit.contains("16384×16384"), "{limit}");
    }
}
