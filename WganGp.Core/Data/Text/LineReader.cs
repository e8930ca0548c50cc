namespace WganGp.Core.Data.Text;

/// <summary>
/// Splits a stream into lines at '\n' only, as Python 2's file iteration does ('\r' stays part of the line, unlike
/// <see cref="StreamReader.ReadLine"/>). Lines are raw bytes, valid until the next read; a last line without '\n' is
/// returned too.
/// </summary>
sealed class LineReader(Stream stream)
{
    byte[] buffer = new byte[1 << 16];
    int start, end;
    bool exhausted;

    public bool TryRead(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = buffer.AsSpan(start, newline);
                start += newline + 1;
                return true;
            }
            if (exhausted)
            {
                line = buffer.AsSpan(start, end - start);
                bool any = start < end;
                start = end;
                return any;
            }
            // Keep the partial line at the front; grow only for a line longer than the buffer.
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0) exhausted = true;
            else end += read;
        }
    }
}
