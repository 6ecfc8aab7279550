using System.Buffers.Binary;
using System.Numerics;

namespace Hpc.Bootstrap;

/// <summary>
/// HMAC-SHA256 (RFC 2104 over FIPS 180-4's SHA-256) in managed code, for the job-secret proofs of
/// <see cref="RendezvousProtocol.ComputeProof"/>. The framework's <c>HMACSHA256</c> computes the
/// same bytes, but on Linux through OpenSSL: its first use loads libssl and libcrypto, reads
/// openssl.cnf and initialises the library, ~14 ms of CPU in every rank's Mpi.Init for one
/// 32-byte key and a ~60-byte message (measured 2026-12-07; eight ranks on two cores pay it eight
/// times). The tests check this class against the framework's on the RFC 4231 vectors and on
/// random keys and messages. Proofs are over the caller's own secret and public nonces, and
/// SHA-256 has no data-dependent branches or table lookups, so nothing here needs to be
/// constant-time beyond what it is.
/// </summary>
internal static class HmacSha256
{
    /// <summary>Bytes of a digest.</summary>
    public const int HashBytes = 32;

    private const int BlockBytes = 64;

    private static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>HMAC-SHA256 of <paramref name="message"/> under <paramref name="key"/> (any length).</summary>
    public static byte[] HashData(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        Span<byte> block = stackalloc byte[BlockBytes];
        block.Clear();
        if (key.Length > BlockBytes)
            Hash(key, [], block);
        else
            key.CopyTo(block);

        Span<byte> pad = stackalloc byte[BlockBytes];
        for (int i = 0; i < BlockBytes; i++)
            pad[i] = (byte)(block[i] ^ 0x36);
        Span<byte> inner = stackalloc byte[HashBytes];
        Hash(pad, message, inner);

        for (int i = 0; i < BlockBytes; i++)
            pad[i] = (byte)(block[i] ^ 0x5c);
        byte[] result = new byte[HashBytes];
        Hash(pad, inner, result);
        // Key material does not stay behind on the stack.
        block.Clear();
        pad.Clear();
        return result;
    }

    /// <summary>SHA-256 of <paramref name="first"/> followed by <paramref name="second"/>, into <paramref name="digest"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> digest)
    {
        Span<uint> state = stackalloc uint[8];
        state[0] = 0x6a09e667;
        state[1] = 0xbb67ae85;
        state[2] = 0x3c6ef372;
        state[3] = 0xa54ff53a;
        state[4] = 0x510e527f;
        state[5] = 0x9b05688c;
        state[6] = 0x1f83d9ab;
        state[7] = 0x5be0cd19;
        Span<uint> schedule = stackalloc uint[64];
        Span<byte> block = stackalloc byte[BlockBytes];
        long total = (long)first.Length + second.Length;
        int filled = Absorb(first, 0, state, block, schedule);
        filled = Absorb(second, filled, state, block, schedule);

        // Padding: a 1 bit, zeros, then the message length in bits, big-endian, ending a block.
        block[filled++] = 0x80;
        if (filled > BlockBytes - sizeof(long))
        {
            block[filled..].Clear();
            Compress(state, block, schedule);
            filled = 0;
        }
        block[filled..(BlockBytes - sizeof(long))].Clear();
        BinaryPrimitives.WriteInt64BigEndian(block[(BlockBytes - sizeof(long))..], total * 8);
        Compress(state, block, schedule);

        for (int i = 0; i < state.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(digest[(i * 4)..], state[i]);
        block.Clear();
    }

    /// <summary>Feeds <paramref name="data"/> through the block buffer, compressing each full block; returns the bytes left in it.</summary>
    private static int Absorb(ReadOnlySpan<byte> data, int filled, Span<uint> state, Span<byte> block, Span<uint> schedule)
    {
        while (data.Length > 0)
        {
            int take = Math.Min(BlockBytes - filled, data.Length);
            data[..take].CopyTo(block[filled..]);
            filled += take;
            data = data[take..];
            if (filled == BlockBytes)
            {
                Compress(state, block, schedule);
                filled = 0;
            }
        }
        return filled;
    }

    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block, Span<uint> w)
    {
        for (int t = 0; t < 16; t++)
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        uint[] k = RoundConstants;
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + k[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
