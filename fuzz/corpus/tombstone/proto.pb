'vendor/dev/dev:14/X/1:user/release-keys"2024-01-01 10:00:00.123+0100(d0eJ/system/bin/exampleRSIGSEGV"SEGV_MAPERRrboom‚e
eworker