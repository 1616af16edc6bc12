namespace Interpretability.Tests.Fuzzing;

/// <summary>
/// Format-blind mutations of a byte array: bit flips, random bytes, "interesting" values
/// (0, 0xFF, 0x7F, 0x80 and their multi-byte forms), truncation, insertion and deletion of runs,
/// and duplication of chunks. Each returns a new array and says what it did.
/// </summary>
internal static class ByteMutator
{
    private static readonly byte[][] s_interesting =
    [
        [0x00], [0xFF], [0x7F], [0x80], [0x01],
        [0xFF, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x80], [0xFF, 0xFF, 0xFF, 0x7F],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // a varint of -1
        [0x80, 0x80, 0x80, 0x80, 0x08], // a varint of 2^31
        [0x7F, 0xF8, 0x00, 0x00], [0x7F, 0x80, 0x00, 0x00], // NaN and Inf, big-endian
        [0x00, 0x7C], [0x00, 0xFE], // half Inf and NaN, little-endian
    ];

    /// <summary>Applies one to four mutations chosen by <paramref name="random"/>.</summary>
    public static byte[] Mutate(byte[] input, Random random, List<string> log)
    {
        var bytes = input;
        var count = 1 + (random.Next(8) switch { < 5 => 0, < 7 => 1, _ => random.Next(2, 4) });
        for (var i = 0; i < count; i++)
        {
            bytes = MutateOnce(bytes, random, log);
        }

        return bytes;
    }

    private static byte[] MutateOnce(byte[] input, Random random, List<string> log)
    {
        if (input.Length == 0)
        {
            var fresh = new byte[random.Next(1, 16)];
            random.NextBytes(fresh);
            log.Add($"fill {fresh.Length} random bytes");
            return fresh;
        }

        var bytes = (byte[])input.Clone();
        var at = random.Next(bytes.Length);
        switch (random.Next(10))
        {
            case 0 or 1:
            {
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                {
                    var p = random.Next(bytes.Length);
                    bytes[p] ^= (byte)(1 << random.Next(8));
                }

                log.Add($"flip {flips} bits");
                return bytes;
            }

            case 2:
            {
                var run = Math.Min(bytes.Length - at, random.Next(1, 9));
                random.NextBytes(bytes.AsSpan(at, run));
                log.Add($"random bytes at {at} ({run})");
                return bytes;
            }

            case 3:
            {
                var value = s_interesting[random.Next(s_interesting.Length)];
                var run = Math.Min(bytes.Length - at, value.Length);
                value.AsSpan(0, run).CopyTo(bytes.AsSpan(at));
                log.Add($"interesting value {Convert.ToHexString(value)} at {at}");
                return bytes;
            }

            case 4:
            {
                var length = random.Next(4) == 0 ? random.Next(Math.Min(bytes.Length, 64)) : random.Next(bytes.Length);
                log.Add($"truncate to {length}");
                return bytes[..length];
            }

            case 5:
            {
                var run = random.Next(1, random.Next(2) == 0 ? 9 : 257);
                var inserted = new byte[run];
                if (random.Next(2) == 0)
                {
                    random.NextBytes(inserted);
                }
                else
                {
                    Array.Fill(inserted, (byte)random.Next(256));
                }

                log.Add($"insert {run} bytes at {at}");
                return [.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)];
            }

            case 6:
            {
                var run = Math.Min(bytes.Length - at, random.Next(1, random.Next(2) == 0 ? 9 : 1025));
                log.Add($"delete {run} bytes at {at}");
                return [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + run)];
            }

            case 7:
            {
                var run = Math.Min(bytes.Length - at, random.Next(1, 513));
                var to = random.Next(bytes.Length + 1);
                log.Add($"duplicate {run} bytes from {at} to {to}");
                return [.. bytes.AsSpan(0, to), .. bytes.AsSpan(at, run), .. bytes.AsSpan(to)];
            }

            case 8:
            {
                var run = Math.Min(bytes.Length - at, random.Next(1, 65));
                var to = random.Next(bytes.Length - run + 1);
                bytes.AsSpan(at, run).ToArray().CopyTo(bytes.AsSpan(to));
                log.Add($"copy {run} bytes from {at} over {to}");
                return bytes;
            }

            default:
            {
                var delta = random.Next(1, 36) * (random.Next(2) == 0 ? 1 : -1);
                bytes[at] = (byte)(bytes[at] + delta);
                log.Add($"add {delta} to byte {at}");
                return bytes;
            }
        }
    }
}
