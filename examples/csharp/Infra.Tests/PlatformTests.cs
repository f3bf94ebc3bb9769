// Runs the prod args under Pulumi's .NET mocks, as tests/ does with the TypeScript program. The component is remote
// (served by the authdb provider), so the mocks answer its registration and the test checks what the C# side sends.
using System.Linq;
using System.Threading.Tasks;
using Pulumi;
using Pulumi.Testing;
using Xunit;

public class PlatformTests
{
    private class Mocks : IMocks
    {
        public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args) =>
            Task.FromResult<(string?, object)>((args.Name + "-id", args.Inputs));

        public Task<object> CallAsync(MockCallArgs args) => Task.FromResult<object>(args.Args);
    }

    private class ProdStack : Stack
    {
        public ProdStack()
        {
            var config = new Config();
            new Pulumi.Authdb.Platform("platform", Prod.Args(config));
        }
    }

    [Fact]
    public async Task RegistersThePlatformComponentWithTheProdServer()
    {
        var resources = await Deployment.TestAsync<ProdStack>(
            new Mocks(),
            new TestOptions { StackName = "prod", ProjectName = "authdb-csharp" });
        var platform = Assert.Single(resources.OfType<Pulumi.Authdb.Platform>());
        Assert.NotNull(platform);
    }
}
