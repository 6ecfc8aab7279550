using System.Security.Cryptography;
using System.Text;
using Hpc.Bootstrap;
using Xunit;

namespace Hpc.Tests.Bootstrap;

/// <summary>
/// The managed HMAC-SHA256 behind every job-secret proof (<see cref="HmacSha256"/>) must give
/// exactly the bytes of the framework's (OpenSSL's) implementation: the RFC 4231 vectors, SHA-256
/// itself on the FIPS 180 examples, and random keys and messages of every length around the block
/// boundaries, where padding goes wrong first.
/// </summary>
public sealed class HmacSha256Tests
{
    [Theory]
    // RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates the output).
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")]
    [InlineData("0102030405060708090a0b0c0d0e0f10111213141516171819",
        "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")]
    public void MatchesRfc4231(string keyHex, string dataHex, string expectedHex)
    {
        byte[] mac = HmacSha256.HashData(Convert.FromHexString(keyHex), Convert.FromHexString(dataHex));
        Assert.Equal(expectedHex, Convert.ToHexString(mac), ignoreCase: true);
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void HashesFips180Examples(string text, string expectedHex)
    {
        Span<byte> digest = stackalloc byte[HmacSha256.HashBytes];
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        HmacSha256.Hash(bytes, [], digest);
        Assert.Equal(expectedHex, Convert.ToHexString(digest), ignoreCase: true);
        // The same bytes split in two give the same digest.
        HmacSha256.Hash(bytes.AsSpan(0, bytes.Length / 2), bytes.AsSpan(bytes.Length / 2), digest);
        Assert.Equal(expectedHex, Convert.ToHexString(digest), ignoreCase: true);
    }

    [Fact]
    public void MatchesTheFrameworkOnEveryLengthAroundTheBlocks()
    {
        var random = new Random(15);
        foreach (int keyLength in new[] { 0, 1, 16, 32, 55, 56, 63, 64, 65, 100, 200 })
        {
            for (int messageLength = 0; messageLength <= 200; messageLength++)
            {
                byte[] key = new byte[keyLength];
                byte[] message = new byte[messageLength];
                random.NextBytes(key);
                random.NextBytes(message);
                Assert.Equal(HMACSHA256.HashData(key, message), HmacSha256.HashData(key, message));
            }
        }
    }

    [Fact]
    public void ProofIsTheHmacOfNonceAndRole()
    {
        string secret = RendezvousProtocol.NewSecret();
        string nonce = RendezvousProtocol.NewNonce();
        byte[] expected = HMACSHA256.HashData(Convert.FromHexString(secret), Encoding.ASCII.GetBytes(nonce + "|rank:3"));
        Assert.Equal(Convert.ToHexString(expected), RendezvousProtocol.ComputeProof(secret, nonce, "rank:3"));
        Assert.True(RendezvousProtocol.VerifyProof(secret, nonce, "rank:3", RendezvousProtocol.ComputeProof(secret, nonce, "rank:3")));
        Assert.False(RendezvousProtocol.VerifyProof(secret, nonce, "rank:4", RendezvousProtocol.ComputeProof(secret, nonce, "rank:3")));
    }
}
